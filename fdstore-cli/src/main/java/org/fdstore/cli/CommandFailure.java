package org.fdstore.cli;

import java.io.IOException;
import java.io.PrintWriter;
import org.fdstore.client.FdStoreException;
import org.fdstore.linux.Errno;

/**
 * Turns a command's failure into one line on stderr, {@code fdstore <command>: <message>}, and an exit code from
 * {@link ExitCodes}, whether the command line went through picocli ({@link ErrorReporter}) or not ({@link Main}).
 *
 * <p>The message names the errno: a refusal is the daemon's sentence followed by the errno's name, e.g.
 * {@code no entry with id 1 (ENOENT)}; a failure on this side already names it, e.g. {@code cannot connect to
 * /run/fdstore/fdstore.sock: ENOENT (No such file or directory); ...}.
 *
 * <p>Stateless and thread safe.
 */
final class CommandFailure {
    private CommandFailure() {}

    /**
     * Reports {@code e}, thrown by the command {@code command} (its qualified name, such as {@code fdstore list}),
     * on {@code err}.
     *
     * @return the exit code
     */
    static int report(Exception e, String command, PrintWriter err) {
        String prefix = command + ": ";
        int code;
        if (e instanceof FdStoreException f && f.refusedByDaemon()) {
            err.println(prefix + refusal(f));
            code = ExitCodes.REFUSED;
        } else if (e instanceof IOException || e instanceof UnsupportedOperationException) {
            err.println(prefix + e.getMessage());
            code = ExitCodes.SYSTEM_CALL_FAILED;
        } else {
            err.println(prefix + "internal error: " + e);
            e.printStackTrace(err);
            code = ExitCodes.SYSTEM_CALL_FAILED;
        }
        err.flush();
        return code;
    }

    /** {@code no entry with id 1 (ENOENT)}; {@code (errno 200)} for a number {@link Errno} does not list. */
    static String refusal(FdStoreException e) {
        String name = e.errno() == Errno.UNKNOWN ? "errno " + e.errnoNumber() : e.errno().name();
        return e.getMessage() + " (" + name + ")";
    }
}
