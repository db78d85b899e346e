package org.fdstore.daemon.server;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FileStat;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Stat;

/**
 * Closes the descriptors that clients handed to the daemon without letting the event loop wait for a file system.
 *
 * <p>close(2) of a file on FUSE sends FLUSH and waits for the server's answer, uninterruptibly: a local user who
 * saves a file of a mount of their own that never answers would stall the loop at the entry's removal, or at the
 * refusal of the request that carried it. So a file, directory or symlink of a file system on no block device
 * (FUSE, NFS, tmpfs, overlay: major 0) is closed by a closer thread; anything else (sockets, pipes, devices, files of
 * ext4 or xfs) closes at once, on the caller's thread, as before. Deciding costs one statx from the kernel's cache.
 *
 * <p>One thread at most closes the fds of one device, in the order they came, so a stalled mount holds one thread and
 * the fds queued behind it, never the closes of other mounts. There are at most {@link #MAX_THREADS} closer threads
 * ({@code fdstore-closer-N}, daemon threads); each ends after {@link #IDLE_MILLIS} without work. A thread stuck in a
 * FLUSH ends when the server answers or its connection is aborted; with {@link #MAX_THREADS} mounts stalled at once,
 * the fds of other mounts of that class wait to be closed.
 *
 * <p>Thread safe.
 */
public final class Closer {
    /** Closer threads at most: few, as the machine has 2 cores; each stalled mount holds one. */
    static final int MAX_THREADS = 8;
    /** How long a closer thread waits for work before it ends. */
    static final long IDLE_MILLIS = 2_000;
    /** Lane of the fds whose device could not be read at all. */
    private static final long UNKNOWN_DEVICE = -1;
    /** What {@link #laneOf} answers for an fd that closes at once. */
    private static final long AT_ONCE = Long.MIN_VALUE;

    private static final ReentrantLock LOCK = new ReentrantLock();
    /** Signalled when an fd waits; idle threads await it. Lock order: LOCK only. */
    private static final Condition WORK = LOCK.newCondition();
    /** Signalled when a close that someone awaits is done ({@link #closeAllWithin}). */
    private static final Condition CLOSED = LOCK.newCondition();
    /** Fds to close by device, in arrival order; a device is a key only while it has some. Guarded by LOCK. */
    private static final Map<Long, ArrayDeque<Closing>> WAITING = new LinkedHashMap<>();
    /** Devices one of whose fds a thread is closing now, with when that close began. Guarded by LOCK. */
    private static final Map<Long, Long> CLOSING = new HashMap<>();
    /** Closer threads alive, and those of them waiting for work. Guarded by LOCK. */
    private static int threads;
    private static int idle;
    private static long threadsStarted;

    private Closer() {}

    /** An fd for a closer thread, and the count of awaited closes to lower when it is closed (or null). */
    private record Closing(Fd fd, int[] awaited) {}

    /** Closes {@code fd}, now or on a closer thread; the caller gives up ownership. */
    public static void close(Fd fd) {
        long device = laneOf(fd);
        if (device == AT_ONCE) {
            fd.close();
            return;
        }
        LOCK.lock();
        try {
            enqueue(device, new Closing(fd, null));
        } finally {
            LOCK.unlock();
        }
    }

    /** {@link #close(Fd)} for each of {@code fds}. */
    public static void closeAll(Collection<Fd> fds) {
        for (Fd fd : fds) close(fd);
    }

    /**
     * Closes {@code fds} as {@link #closeAll} does, then waits up to {@code millis} for the closer threads to have
     * closed them: for a request whose answer promises that the files are closed (DROP, so that the mount they
     * pinned can be unmounted). Fds of a device whose close has already taken longer than {@code millis} (a stalled
     * mount) are not waited for, so a stalled mount costs the caller {@code millis} at most once.
     *
     * @return whether every fd was closed
     */
    public static boolean closeAllWithin(Collection<Fd> fds, long millis) {
        long bound = TimeUnit.MILLISECONDS.toNanos(millis);
        int[] awaited = {0};
        boolean skipped = false;
        for (Fd fd : fds) {
            long device = laneOf(fd);
            if (device == AT_ONCE) {
                fd.close();
                continue;
            }
            LOCK.lock();
            try {
                Long since = CLOSING.get(device);
                boolean stalled = since != null && System.nanoTime() - since > bound;
                skipped |= stalled;
                if (!stalled) awaited[0]++;
                enqueue(device, new Closing(fd, stalled ? null : awaited));
            } finally {
                LOCK.unlock();
            }
        }
        LOCK.lock();
        try {
            long left = bound;
            while (awaited[0] > 0 && left > 0) left = CLOSED.awaitNanos(left);
            return awaited[0] == 0 && !skipped;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            LOCK.unlock();
        }
    }

    /** How many fds wait for a closer thread or are being closed by one; for tests and status. */
    public static int pending() {
        LOCK.lock();
        try {
            int n = CLOSING.size();
            for (ArrayDeque<Closing> q : WAITING.values()) n += q.size();
            return n;
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * The device whose closer thread closes {@code fd}, or {@link #AT_ONCE} if closing it cannot wait for a file
     * system.
     */
    static long laneOf(Fd fd) {
        FileStat stat;
        try {
            stat = Stat.fstatNoSync(fd);
        } catch (LinuxException e) {
            if (e.errno() == Errno.EBADF) return AT_ONCE;
            // EACCES: a FUSE mount that refuses the daemon (no allow_other) still tells the device.
            try {
                return Stat.deviceOf(fd);
            } catch (LinuxException again) {
                return UNKNOWN_DEVICE;
            }
        }
        boolean fileOfAFileSystem = switch (stat.type()) {
            case Stat.S_IFREG, Stat.S_IFDIR, Stat.S_IFLNK -> true;
            default -> false;
        };
        return fileOfAFileSystem && stat.devMajor() == 0 ? stat.dev() : AT_ONCE;
    }

    /** Queues {@code closing} on its device's lane and wakes or starts a thread. Called with LOCK held. */
    private static void enqueue(long device, Closing closing) {
        WAITING.computeIfAbsent(device, d -> new ArrayDeque<>()).add(closing);
        if (idle > 0) WORK.signal();
        else startThreadIfAllowed();
    }

    /** Called with LOCK held. */
    private static void startThreadIfAllowed() {
        if (threads >= MAX_THREADS) return;
        threads++;
        Thread.ofPlatform().name("fdstore-closer-" + ++threadsStarted).daemon(true).start(Closer::work);
    }

    /** The first device with fds waiting that no thread is closing on, or null. Called with LOCK held. */
    private static Long nextDevice() {
        for (Long device : WAITING.keySet()) if (!CLOSING.containsKey(device)) return device;
        return null;
    }

    private static void work() {
        LOCK.lock();
        try {
            long idleUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS);
            while (true) {
                Long device = nextDevice();
                if (device == null) {
                    long left = idleUntil - System.nanoTime();
                    if (left <= 0) break;
                    idle++;
                    try {
                        WORK.awaitNanos(left);
                    } catch (InterruptedException e) {
                        break;
                    } finally {
                        idle--;
                    }
                    continue;
                }
                ArrayDeque<Closing> queue = WAITING.get(device);
                Closing closing = queue.poll();
                if (queue.isEmpty()) WAITING.remove(device);
                CLOSING.put(device, System.nanoTime());
                // This close may stall: if other devices wait and no thread is free for them, start one.
                if (idle == 0 && nextDevice() != null) startThreadIfAllowed();
                LOCK.unlock();
                try {
                    closing.fd().close();
                } finally {
                    LOCK.lock();
                    CLOSING.remove(device);
                    if (closing.awaited() != null) {
                        closing.awaited()[0]--;
                        CLOSED.signalAll();
                    }
                }
                idleUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS);
            }
        } finally {
            threads--;
            LOCK.unlock();
        }
    }
}
