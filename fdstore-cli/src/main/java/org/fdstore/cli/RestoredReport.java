package org.fdstore.cli;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.fdstore.client.Restored;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FileKind;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Unistd;
import org.fdstore.protocol.EntryInfo;

/**
 * What {@code restore}, {@code take} and {@code -r} print about a restored descriptor: a readable file's content,
 * or a line naming what it is.
 *
 * <p>Stateless and thread safe.
 */
final class RestoredReport {
    private static final int CHUNK = 64 * 1024;

    private RestoredReport() {}

    /**
     * Prints {@code file content:} and the bytes of a readable regular file, else
     * {@code restored <kind> fd F with id N: <target>}.
     *
     * @return whether the output ends at the start of a line
     * @throws LinuxException if reading the file fails
     */
    static boolean print(Restored restored, PrintStream out) throws LinuxException {
        EntryInfo entry = restored.entry();
        if (isReadableFile(entry)) {
            out.println("file content:");
            return printContent(restored.fd(), out);
        }
        out.println("restored " + entry.kind().label() + " fd " + restored.fd().number() + " with id "
                + Long.toUnsignedString(entry.id()) + ": " + entry.target());
        return true;
    }

    /** Whether the entry is a regular file opened for reading, so that its content can be shown. */
    static boolean isReadableFile(EntryInfo entry) {
        int flags = entry.openFlags();
        return entry.kind() == FileKind.REGULAR && (flags & Fcntl.O_PATH) == 0
                && (flags & Fcntl.O_ACCMODE) != Fcntl.O_WRONLY;
    }

    /**
     * Copies the file's bytes from offset 0 to the end onto {@code out}, as they are. Uses pread(2), so the file
     * offset shared with every other holder of the open file description does not move.
     *
     * @return whether the content is empty or ends with a newline
     * @throws LinuxException if pread fails
     */
    static boolean printContent(Fd fd, PrintStream out) throws LinuxException {
        byte last = '\n';
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(CHUNK);
            byte[] bytes = new byte[CHUNK];
            long offset = 0;
            long n;
            while ((n = Unistd.pread(fd, buffer, CHUNK, offset)) > 0) {
                MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, bytes, 0, (int) n);
                out.write(bytes, 0, (int) n);
                last = bytes[(int) n - 1];
                offset += n;
            }
        }
        return last == '\n';
    }
}
