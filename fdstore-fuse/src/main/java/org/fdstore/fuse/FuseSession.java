package org.fdstore.fuse;

import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.fdstore.fuse.internal.InitNegotiation;
import org.fdstore.fuse.wire.Notifications;
import org.fdstore.linux.Errno;
import org.fdstore.linux.EventFd;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Mount;
import org.fdstore.linux.Unistd;

/**
 * A FUSE connection served on /dev/fuse by reader threads: mount (or take over), INIT, dispatch to a
 * {@link FuseFilesystem}, notifications, clean handoff, unmount.
 *
 * <p>Life cycle: {@link #mount} or {@link #takeover}, then {@link #start}, then one of {@link #stopReading} (hand
 * the connection on), {@link #close} (stop and release) or {@link #unmount} (detach the mount, stop, release).
 * A session starts once; a stopped session does not restart.
 *
 * <p>The device fd: a mounted session owns it and closes it in {@link #close}; closing the last descriptor of a
 * connection aborts it (the mount then answers ENOTCONN). A session made by {@link #takeover} never closes the
 * device: whoever passed it in does. The device is put in O_NONBLOCK mode, which is shared by every holder of the
 * same open file description.
 *
 * <p>Thread safe. Errors: system calls fail with {@link LinuxException}; the message names the call and errno.
 */
public final class FuseSession implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("org.fdstore.fuse");

    private final Fd device;
    private final boolean ownsDevice;
    private final Path mountpoint;
    private final String name;
    private final FuseFilesystem fs;
    private final EventFd wake;
    private final int bufferSize;
    private final CompletableFuture<InitResult> init = new CompletableFuture<>();
    /** Opened once {@link FuseFilesystem#initialized} has returned; no handler runs before. */
    private final CountDownLatch ready = new CountDownLatch(1);
    private final FuseStats stats = new FuseStats();
    private volatile InitResult agreed;
    private volatile boolean stopping;
    /** Guarded by this. */
    private final List<Thread> readers = new ArrayList<>();
    /** Guarded by this. */
    private boolean started;
    private boolean closed;

    private FuseSession(Fd device, boolean ownsDevice, Path mountpoint, InitResult agreed, FuseFilesystem fs)
            throws LinuxException {
        this.device = device;
        this.ownsDevice = ownsDevice;
        this.mountpoint = mountpoint;
        this.name = mountpoint != null ? mountpoint.toString() : "fd" + device.number();
        this.fs = Objects.requireNonNull(fs, "fs");
        this.agreed = agreed;
        int size = agreed != null ? agreed.readBufferSize() : InitNegotiation.MAX_WRITE + 4096;
        this.bufferSize = Math.max(size, InitResult.MIN_READ_BUFFER);
        Fcntl.setFlags(device, Fcntl.getFlags(device) | Fcntl.O_NONBLOCK);
        this.wake = EventFd.create();
        if (agreed != null) init.complete(agreed);
    }

    /**
     * Opens /dev/fuse and mounts it on {@code mountpoint} with mount(2): source {@code fsName}, type
     * {@code fuse.subtype} ({@code fuse} if {@code subtype} is empty), MS_NOSUID|MS_NODEV unless the options say
     * otherwise. Needs CAP_SYS_ADMIN;
     * without it this fails with EPERM (mounting through fusermount3 is not implemented). The session owns the
     * device. Call {@link #start} next: INIT arrives as the first request.
     */
    public static FuseSession mount(Path mountpoint, String fsName, String subtype, MountOptions options,
                                    FuseFilesystem fs) throws LinuxException {
        Objects.requireNonNull(options, "options");
        if (fsName.isEmpty() || fsName.contains(",") || subtype.contains(",")) {
            throw new IllegalArgumentException("fsName must be non-empty, and neither name may contain ','");
        }
        Path target = mountpoint.toAbsolutePath().normalize();
        Fd device = Fcntl.open("/dev/fuse", Fcntl.O_RDWR, 0);
        try {
            String type = subtype.isEmpty() ? "fuse" : "fuse." + subtype;
            String data = options.data(device.number(), Unistd.getuid(), Unistd.getgid());
            FuseSession session = new FuseSession(device, true, target, null, fs);
            try {
                Mount.mount(fsName, target.toString(), type, options.flags(), data);
            } catch (LinuxException e) {
                session.close();
                if (e.errno() == Errno.EPERM && Unistd.geteuid() != 0) {
                    throw new LinuxException(e.call(), Errno.EPERM, "mounting needs CAP_SYS_ADMIN; the fusermount3 "
                            + "fallback for other users is not implemented: run as root");
                }
                throw e;
            }
            LOG.log(Level.INFO, "event=fuse_mounted mountpoint=" + target + " fsname=" + fsName + " type=" + type
                    + " options=" + data);
            return session;
        } catch (LinuxException | RuntimeException e) {
            device.close();
            throw e;
        }
    }

    /**
     * Serves an existing connection without mounting and without INIT: {@code device} is a /dev/fuse fd of a
     * connection that agreed {@code agreed} (e.g. received from the previous server, or from the fd store). The
     * caller keeps ownership of {@code device} and closes it after {@link #close}. Usually followed by
     * {@link #start} and {@link #resend}.
     */
    public static FuseSession takeover(Fd device, InitResult agreed, FuseFilesystem fs) throws LinuxException {
        return takeover(device, agreed, null, fs);
    }

    /** {@link #takeover(Fd, InitResult, FuseFilesystem)} of a mount at {@code mountpoint}, for {@link #unmount}. */
    public static FuseSession takeover(Fd device, InitResult agreed, Path mountpoint, FuseFilesystem fs)
            throws LinuxException {
        Objects.requireNonNull(agreed, "agreed");
        return new FuseSession(device, false, mountpoint == null ? null : mountpoint.toAbsolutePath(), agreed, fs);
    }

    /** Serves a fresh connection mounted by someone else: INIT is still to come. The caller owns {@code device}. */
    static FuseSession serve(Fd device, FuseFilesystem fs) throws LinuxException {
        return new FuseSession(device, false, null, null, fs);
    }

    /**
     * Starts {@code readers} platform threads. For a taken-over connection, {@link FuseFilesystem#initialized} runs
     * first, on this thread, and its exception is thrown from here.
     *
     * @throws IllegalStateException if already started, stopped or closed
     */
    public void start(int readers) throws LinuxException {
        if (readers < 1) throw new IllegalArgumentException("readers must be >= 1, got " + readers);
        synchronized (this) {
            if (started || closed || stopping) {
                throw new IllegalStateException("session " + name + " was already started or stopped");
            }
            started = true;
        }
        if (agreed != null && ready.getCount() > 0) {
            fs.initialized(agreed, device);
            ready.countDown();
        }
        synchronized (this) {
            for (int i = 0; i < readers; i++) {
                this.readers.add(Thread.ofPlatform().name("fuse-reader-" + name + "-" + i).daemon(true)
                        .start(new SessionReader(this, bufferSize)));
            }
        }
        LOG.log(Level.INFO, "event=fuse_started session=" + name + " readers=" + readers + " buffer=" + bufferSize);
    }

    /**
     * Waits until INIT has been answered and {@link FuseFilesystem#initialized} has run, and returns what was
     * agreed. Fails with ETIMEDOUT after {@code timeout}, with the INIT's errno if it was refused, with ENODEV if the
     * session ended first, and with the exception of {@code initialized} if that failed.
     */
    public InitResult awaitInit(Duration timeout) throws LinuxException {
        try {
            return init.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new LinuxException("FUSE INIT on " + name, Errno.ETIMEDOUT, "not answered within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LinuxException("FUSE INIT on " + name, Errno.EINTR, "interrupted while waiting");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LinuxException le) throw le;
            throw new LinuxException("FUSE INIT on " + name, Errno.EIO, String.valueOf(e.getCause()));
        }
    }

    /**
     * Sends FUSE_NOTIFY_RESEND: the kernel puts every request that a server read but did not answer back in the
     * queue, with bit 63 of {@code unique} set, for this session's readers to answer. Send it only when no other
     * server still works on requests of this connection: their answers would be refused (ENOENT) and the requests
     * handled twice.
     */
    public void resend() throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(16, 8);
            writeNotification(out, Notifications.resend(out), "FUSE_NOTIFY_RESEND");
        }
        LOG.log(Level.INFO, "event=fuse_resend session=" + name);
    }

    /**
     * FUSE_NOTIFY_INVAL_INODE: drops the kernel's cached attributes of {@code nodeId} and its cached data in
     * [offset, offset+length) (length 0: to the end; offset negative: attributes only). ENOENT if the kernel does
     * not know the node. Do not call it from a handler of a request on that same node: it may wait for that request.
     */
    public void notifyInvalInode(long nodeId, long offset, long length) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(40, 8);
            writeNotification(out, Notifications.invalInode(out, nodeId, offset, length), "FUSE_NOTIFY_INVAL_INODE");
        }
    }

    /**
     * FUSE_NOTIFY_INVAL_ENTRY: makes the kernel forget the name {@code name} in directory {@code parent}. ENOENT if
     * it is not cached. Do not call it from a handler of a request on {@code parent}: the kernel may deadlock.
     */
    public void notifyInvalEntry(long parent, byte[] name) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(Notifications.invalEntrySize(name.length), 8);
            writeNotification(out, Notifications.invalEntry(out, parent, name, 0), "FUSE_NOTIFY_INVAL_ENTRY");
        }
    }

    /**
     * Clean handoff: readers take no new request, answer the ones they hold, and exit; returns when all have. The
     * device stays open and requests keep queueing in the kernel for the next server. Harmless when repeated.
     *
     * @throws IllegalStateException when called from a reader thread (it would wait for itself)
     */
    public void stopReading() {
        List<Thread> all;
        synchronized (this) {
            if (readers.contains(Thread.currentThread())) {
                throw new IllegalStateException("stopReading called from a reader of session " + name);
            }
            all = List.copyOf(readers);
        }
        end("stopReading");
        boolean interrupted = false;
        for (Thread t : all) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Waits up to {@code timeout} for every reader to exit (after unmount, DESTROY or stopReading). */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        List<Thread> all;
        synchronized (this) {
            all = List.copyOf(readers);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : all) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !t.join(Duration.ofNanos(left))) return false;
        }
        return true;
    }

    /**
     * Detaches the mount (umount2 with MNT_DETACH; a mountpoint that is no longer mounted is fine), then
     * {@link #close}s. A taken-over session without a known mountpoint only closes.
     */
    public void unmount() throws LinuxException {
        try {
            if (mountpoint != null) {
                try {
                    Mount.umount2(mountpoint.toString(), Mount.MNT_DETACH);
                    LOG.log(Level.INFO, "event=fuse_unmounted mountpoint=" + mountpoint);
                } catch (LinuxException e) {
                    if (e.errno() != Errno.EINVAL && e.errno() != Errno.ENOENT) throw e;
                    LOG.log(Level.DEBUG, "event=fuse_unmount_skipped mountpoint=" + mountpoint + " errno="
                            + e.errno().name());
                }
            }
        } finally {
            close();
        }
    }

    /** Stops reading (as {@link #stopReading}) and closes the session's fds: the device only if the session owns it. */
    @Override
    public void close() {
        stopReading();
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        wake.close();
        if (ownsDevice) device.close();
        init.completeExceptionally(new LinuxException("FUSE INIT on " + name, Errno.ENODEV, "session closed"));
    }

    /** Requests served by this session's readers, by opcode, since it started in this process. */
    public FuseStats stats() {
        return stats;
    }

        /** The /dev/fuse fd: owned by a mounted session, by the caller of {@link #takeover} otherwise. Never close it. */
    public Fd device() {
        return device;
    }

    /** The mountpoint, if this session mounted it or was told it. */
    public Optional<Path> mountpoint() {
        return Optional.ofNullable(mountpoint);
    }

    /** What was agreed at INIT, if it has been. */
    public Optional<InitResult> agreed() {
        return Optional.ofNullable(agreed);
    }

    // ---- for SessionReader ----

    String name() {
        return name;
    }

    FuseFilesystem filesystem() {
        return fs;
    }

    Fd wakeFd() {
        return wake.fd();
    }

    boolean stopping() {
        return stopping;
    }

    InitResult agreedOrNull() {
        return agreed;
    }

    void setAgreed(InitResult result) {
        agreed = result;
    }

    void awaitReady() {
        boolean interrupted = false;
        while (ready.getCount() > 0) {
            try {
                ready.await();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** INIT was answered: run the filesystem's hook, then let requests through. */
    void initialized(InitResult result) {
        try {
            fs.initialized(result, device);
            init.complete(result);
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "event=fuse_initialized_hook_failed session=" + name, t);
            init.completeExceptionally(t);
        } finally {
            ready.countDown();
        }
    }

    void initFailed(LinuxException e) {
        init.completeExceptionally(e);
        end("INIT failed: " + e.getMessage());
    }

    /** Makes every reader stop after the request it holds. */
    void end(String reason) {
        if (stopping) return;
        stopping = true;
        ready.countDown();
        LOG.log(Level.INFO, "event=fuse_stopping session=" + name + " reason=\"" + reason + "\"");
        try {
            wake.signal();
        } catch (LinuxException e) {
            LOG.log(Level.DEBUG, "event=fuse_wake_failed session=" + name + " error=\"" + e.getMessage() + "\"");
        }
        init.completeExceptionally(new LinuxException("FUSE INIT on " + name, Errno.ENODEV, reason));
    }

    private void writeNotification(MemorySegment out, int length, String what) throws LinuxException {
        long n = Unistd.write(device, out, length);
        if (n != length) throw new LinuxException("write(" + what + ")", Errno.EIO, "wrote " + n + " of " + length);
    }
}
