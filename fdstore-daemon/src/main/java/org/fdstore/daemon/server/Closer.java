package org.fdstore.daemon.server;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
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

    private static final ReentrantLock LOCK = new ReentrantLock();
    /** Signalled when an fd waits; idle threads await it. Lock order: LOCK only. */
    private static final Condition WORK = LOCK.newCondition();
    /** Fds to close by device, in arrival order; a device is a key only while it has some. Guarded by LOCK. */
    private static final Map<Long, ArrayDeque<Fd>> WAITING = new LinkedHashMap<>();
    /** Devices one of whose fds a thread is closing now. Guarded by LOCK. */
    private static final Set<Long> CLOSING = new HashSet<>();
    /** Closer threads alive, and those of them waiting for work. Guarded by LOCK. */
    private static int threads;
    private static int idle;
    private static long threadsStarted;

    private Closer() {}

    /** Closes {@code fd}, now or on a closer thread; the caller gives up ownership. */
    public static void close(Fd fd) {
        long device = laneOf(fd);
        if (device == Long.MIN_VALUE) {
            fd.close();
            return;
        }
        LOCK.lock();
        try {
            WAITING.computeIfAbsent(device, d -> new ArrayDeque<>()).add(fd);
            if (idle > 0) WORK.signal();
            else startThreadIfAllowed();
        } finally {
            LOCK.unlock();
        }
    }

    /** {@link #close(Fd)} for each of {@code fds}. */
    public static void closeAll(Collection<Fd> fds) {
        for (Fd fd : fds) close(fd);
    }

    /** How many fds wait for a closer thread or are being closed by one; for tests and status. */
    public static int pending() {
        LOCK.lock();
        try {
            int n = CLOSING.size();
            for (ArrayDeque<Fd> q : WAITING.values()) n += q.size();
            return n;
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * The device whose closer thread closes {@code fd}, or {@link Long#MIN_VALUE} if closing it cannot wait for a
     * file system and it closes at once.
     */
    static long laneOf(Fd fd) {
        FileStat stat;
        try {
            stat = Stat.fstatNoSync(fd);
        } catch (LinuxException e) {
            if (e.errno() == Errno.EBADF) return Long.MIN_VALUE;
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
        return fileOfAFileSystem && stat.devMajor() == 0 ? stat.dev() : Long.MIN_VALUE;
    }

    /** Called with LOCK held. */
    private static void startThreadIfAllowed() {
        if (threads >= MAX_THREADS) return;
        threads++;
        Thread.ofPlatform().name("fdstore-closer-" + ++threadsStarted).daemon(true).start(Closer::work);
    }

    /** The first device with fds waiting that no thread is closing on, or null. Called with LOCK held. */
    private static Long nextDevice() {
        for (Long device : WAITING.keySet()) if (!CLOSING.contains(device)) return device;
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
                ArrayDeque<Fd> queue = WAITING.get(device);
                Fd fd = queue.poll();
                if (queue.isEmpty()) WAITING.remove(device);
                CLOSING.add(device);
                // This close may stall: if other devices wait and no thread is free for them, start one.
                if (idle == 0 && nextDevice() != null) startThreadIfAllowed();
                LOCK.unlock();
                try {
                    fd.close();
                } finally {
                    LOCK.lock();
                    CLOSING.remove(device);
                }
                idleUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS);
            }
        } finally {
            threads--;
            LOCK.unlock();
        }
    }
}
