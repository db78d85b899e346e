package org.fdstore.daemon.continuity;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.Flock;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Stat;
import org.fdstore.linux.Unistd;

/**
 * The exclusive flock on {@code <socket>.lock} that the serving process holds for as long as it serves. Only its
 * holder accepts on the listening socket, so two processes never serve at once; the kernel releases it when the
 * holder dies, so a standby can take it after a crash. The file holds the holder's pid, for error messages.
 *
 * <p>Not thread safe.
 */
public final class ServingLock implements AutoCloseable {
    private final Fd fd;
    private final Path path;

    private ServingLock(Fd fd, Path path) {
        this.fd = fd;
        this.path = path;
    }

    /** The lock file of the daemon serving {@code socket}. */
    public static Path pathFor(Path socket) {
        return socket.resolveSibling(socket.getFileName() + ".lock");
    }

    /**
     * Takes the lock of {@code socket} without waiting.
     *
     * @return the lock, or null if another process holds it
     */
    public static ServingLock tryAcquire(Path socket) throws IOException {
        Path path = pathFor(socket);
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        while (true) {
            // O_NOFOLLOW: a link planted at the name never makes the daemon create or truncate a file elsewhere.
            Fd fd = Fcntl.open(path.toString(), Fcntl.O_RDWR | Fcntl.O_CREAT | Fcntl.O_NOFOLLOW | Fcntl.O_CLOEXEC,
                    0644);
            try {
                if (!Flock.flock(fd, Flock.LOCK_EX | Flock.LOCK_NB)) {
                    fd.close();
                    return null;
                }
                // A holder that stopped cleanly unlinks the file: then we locked an orphan, and try again.
                if (Stat.fstat(fd).ino() != Stat.fstatat(null, path.toString(), Fcntl.AT_SYMLINK_NOFOLLOW).ino()) {
                    fd.close();
                    continue;
                }
                writePid(fd);
                return new ServingLock(fd, path);
            } catch (LinuxException e) {
                fd.close();
                if (e.errno() == Errno.ENOENT) continue;
                throw e;
            }
        }
    }

    /**
     * Takes the lock of {@code socket}, waiting up to {@code millis} for a holder that is going away.
     *
     * @return the lock, or null if another process still holds it
     */
    public static ServingLock acquire(Path socket, long millis) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            ServingLock lock = tryAcquire(socket);
            if (lock != null || System.nanoTime() - deadline > 0) return lock;
            Thread.sleep(5);
        }
    }

    /** The pid written by the holder of {@code socket}'s lock, or 0 if unknown. */
    public static int holder(Path socket) {
        try {
            return Integer.parseInt(Files.readString(pathFor(socket), StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** The lock file. */
    public Path path() {
        return path;
    }

    /** Releases the lock (closing its file), leaving the file for the next holder. */
    @Override
    public void close() {
        fd.close();
    }

    /** Removes the lock file, then releases the lock: for a daemon that stops with no one to serve after it. */
    public void closeAndRemove() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // Left behind: the next daemon reuses it.
        }
        close();
    }

    private static void writePid(Fd fd) throws LinuxException {
        byte[] pid = (Unistd.getpid() + "\n").getBytes(StandardCharsets.US_ASCII);
        Unistd.ftruncate(fd, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocate(pid.length);
            MemorySegment.copy(pid, 0, bytes, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, pid.length);
            Unistd.pwrite(fd, bytes, pid.length, 0);
        }
    }
}
