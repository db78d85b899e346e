package org.fdstore.bench;

import java.util.Arrays;
import org.fdstore.client.FdStoreException;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;

/** What every driver shares: argument parsing, the file it saves, percentiles, and the exit codes of bin/bench. */
final class Driver {
    static final int OK = 0;
    static final int CHECK_FAILED = 1;
    static final int USAGE = 100;
    static final int SYSTEM = 111;

    /** The file every driver saves, as anchor.c does, so that the peers store the same kind of fd. */
    static final String SAVED_FILE = "/etc/hostname";

    private Driver() {}

    /** The body of a driver's main: may throw what the client and the kernel throw. */
    interface Body {
        int run(String[] args) throws Exception;
    }

    /** Runs {@code body} and exits with its code, 100 for bad usage, or 111 when the daemon or a call failed. */
    static void main(String usage, String[] args, Body body) {
        int code;
        try {
            code = body.run(args);
        } catch (UsageException e) {
            System.err.println("usage: " + usage + ": " + e.getMessage());
            code = USAGE;
        } catch (FdStoreException | LinuxException e) {
            System.err.println(e.getMessage());
            code = SYSTEM;
        } catch (Exception e) {
            e.printStackTrace();
            code = SYSTEM;
        }
        System.out.flush();
        System.exit(code);
    }

    /** Argument {@code index} as a count of at least 1. */
    static int count(String[] args, int index, String what) {
        if (args.length <= index) throw new UsageException("missing " + what);
        try {
            int n = Integer.parseInt(args[index]);
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // reported below with the value
        }
        throw new UsageException(what + " must be a whole number of at least 1, not '" + args[index] + "'");
    }

    /** Opens {@link #SAVED_FILE} read-only. */
    static Fd openSavedFile() throws LinuxException {
        return Fcntl.open(SAVED_FILE, Fcntl.O_RDONLY | Fcntl.O_CLOEXEC, 0);
    }

    /** The value at quantile {@code q} (0..1) of {@code sorted}, nearest rank. */
    static long percentile(long[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Sorts a copy of {@code values}. */
    static long[] sorted(long[] values) {
        long[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }

    /**
     * Untimed iterations before {@code n} timed ones: enough for the JIT to compile the client's and the daemon's
     * paths (a fresh daemon serves every subcommand), so that a small {@code n} does not measure the interpreter.
     */
    static int warmUp(int n) {
        return Math.max(5000, n / 10);
    }

    /** Progress on stderr, so that stdout holds only figures. */
    static void progress(String message) {
        System.err.println("bench: " + message);
    }

    /** Bad command-line arguments: exit 100. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
