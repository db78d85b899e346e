package org.fdstore.fuse;

import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.fdstore.fuse.internal.ErrorMapping;
import org.fdstore.fuse.internal.InitNegotiation;
import org.fdstore.fuse.wire.InHeader;
import org.fdstore.fuse.wire.InitCodec;
import org.fdstore.fuse.wire.MalformedRequestException;
import org.fdstore.fuse.wire.Opcode;
import org.fdstore.fuse.wire.ReplyEncoder;
import org.fdstore.fuse.wire.RequestDecoder;
import org.fdstore.linux.Epoll;
import org.fdstore.linux.Errno;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Unistd;

/**
 * One reader thread of a {@link FuseSession}: waits for the device, reads one request into its own buffer, decodes
 * it, calls the filesystem, and writes exactly one reply (none for FORGET, BATCH_FORGET and INTERRUPT).
 *
 * <p>Each reader owns its epoll instance and its native buffers, closed when it exits. Runs on a platform thread.
 */
final class SessionReader implements Runnable {
    /** EPOLLEXCLUSIVE: one request wakes one idle reader, not all of them. */
    private static final int EPOLLEXCLUSIVE = 1 << 28;
    private static final long DEVICE = 0;
    private static final long WAKE = 1;
    private static final System.Logger LOG = System.getLogger("org.fdstore.fuse");

    private final FuseSession session;
    private final int bufferSize;

    SessionReader(FuseSession session, int bufferSize) {
        this.session = session;
        this.bufferSize = bufferSize;
    }

    @Override
    public void run() {
        try (Arena arena = Arena.ofConfined(); Epoll epoll = Epoll.create(2)) {
            MemorySegment in = arena.allocate(bufferSize, 8);
            MemorySegment out = arena.allocate(bufferSize, 8);
            epoll.add(session.device(), Epoll.EPOLLIN | EPOLLEXCLUSIVE, DEVICE);
            epoll.add(session.wakeFd(), Epoll.EPOLLIN, WAKE);
            while (!session.stopping()) {
                epoll.await(-1);
                if (session.stopping()) break;
                long n = read(in);
                if (n > 0) dispatch(in.asSlice(0, n), out);
            }
        } catch (LinuxException e) {
            LOG.log(Level.ERROR, "event=fuse_reader_failed session=" + session.name() + " error=\""
                    + e.getMessage() + "\"");
            session.end("reader failed: " + e.getMessage());
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "event=fuse_reader_crashed session=" + session.name(), e);
            session.end("reader crashed: " + e);
            throw e;
        }
    }

    /** One read(2): the byte count, or -1 when there was nothing (another reader took it). */
    private long read(MemorySegment in) throws LinuxException {
        try {
            long n = Unistd.read(session.device(), in, in.byteSize());
            if (n == 0) session.end("device reported end of file");
            return n;
        } catch (LinuxException e) {
            Errno errno = e.errno();
            if (errno == Errno.EINTR) return -1;
            if (errno == Errno.ENODEV || errno == Errno.ECONNABORTED) {
                session.end(errno == Errno.ENODEV ? "unmounted (ENODEV)" : "connection aborted (ECONNABORTED)");
                return -1;
            }
            throw e;
        }
    }

    void dispatch(MemorySegment message, MemorySegment out) {
        FuseRequest request;
        try {
            request = RequestDecoder.decode(message, session.agreedOrNull());
        } catch (MalformedRequestException e) {
            LOG.log(Level.WARNING, "event=fuse_malformed_request session=" + session.name() + " bytes="
                    + message.byteSize() + " reason=\"" + e.getMessage() + "\"");
            if (message.byteSize() >= InHeader.SIZE) {
                InHeader h = InHeader.read(message);
                if (!Opcode.isOneWay(h.opcode())) writeError(h.unique(), Errno.EIO, out);
            }
            return;
        }
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "event=fuse_request session=" + session.name() + " " + describe(request));
        }
        long started = System.nanoTime();
        switch (request) {
            case FuseRequest.Init init -> init(init, out);
            case FuseRequest.Unknown u -> writeError(u.context().unique(), Errno.ENOSYS, out);
            default -> serve(request, out);
        }
        session.stats().record(InHeader.read(message).opcode(), System.nanoTime() - started);
    }

    private void serve(FuseRequest request, MemorySegment out) {
        FuseReply reply = null;
        try {
            if (session.agreedOrNull() == null) {
                // The kernel sends nothing before INIT is answered; only a confused peer does.
                LOG.log(Level.WARNING, "event=fuse_request_before_init session=" + session.name() + " "
                        + describe(request));
                reply = FuseReply.error(Errno.EIO);
            } else {
                session.awaitReady();
                reply = session.filesystem().handle(request);
            }
        } catch (Throwable t) {
            reply = FuseReply.error(ErrorMapping.errno(t, describe(request)));
        } finally {
            send(request, reply, out);
        }
        if (request instanceof FuseRequest.Destroy) session.end("DESTROY");
    }

    private void send(FuseRequest request, FuseReply reply, MemorySegment out) {
        boolean oneWay = request instanceof FuseRequest.Forget || request instanceof FuseRequest.BatchForget
                || request instanceof FuseRequest.Interrupt;
        if (oneWay) return;
        long unique = request.context().unique();
        if (reply == null) {
            LOG.log(Level.WARNING, "event=fuse_no_reply session=" + session.name() + " " + describe(request)
                    + " errno=EIO");
            writeError(unique, Errno.EIO, out);
            return;
        }
        FuseReply normalized = ReplyEncoder.normalize(request, reply);
        int size;
        try {
            size = ReplyEncoder.size(request, normalized);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "event=fuse_bad_reply session=" + session.name() + " " + describe(request)
                    + " errno=EIO reason=\"" + e.getMessage() + "\"");
            writeError(unique, Errno.EIO, out);
            return;
        }
        if (size <= out.byteSize()) {
            encodeAndWrite(request, normalized, out, unique);
        } else {
            try (Arena once = Arena.ofConfined()) {
                encodeAndWrite(request, normalized, once.allocate(size, 8), unique);
            }
        }
    }

    private void encodeAndWrite(FuseRequest request, FuseReply reply, MemorySegment out, long unique) {
        int length;
        try {
            length = ReplyEncoder.encode(request, reply, out);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "event=fuse_encode_failed session=" + session.name() + " " + describe(request)
                    + " errno=EIO", e);
            writeError(unique, Errno.EIO, out);
            return;
        }
        write(out, length, unique);
    }

    private void init(FuseRequest.Init init, MemorySegment out) {
        FuseFilesystem fs = session.filesystem();
        InitNegotiation.Outcome outcome = InitNegotiation.negotiate(init, fs.wantedInitFlags(), fs.unwantedInitFlags());
        long unique = init.context().unique();
        switch (outcome) {
            case InitNegotiation.Outcome.VersionOnly v -> {
                LOG.log(Level.INFO, "event=fuse_init_major_mismatch session=" + session.name() + " kernel="
                        + init.major() + "." + init.minor() + " ours=" + v.major() + "." + v.minor());
                write(out, InitCodec.encodeVersionOnly(unique, v.major(), v.minor(), out), unique);
            }
            case InitNegotiation.Outcome.Refused r -> {
                LOG.log(Level.ERROR, "event=fuse_init_refused session=" + session.name() + " reason=\""
                        + r.reason() + "\"");
                writeError(unique, r.errno(), out);
                session.initFailed(new LinuxException("FUSE INIT", r.errno(), r.reason()));
            }
            case InitNegotiation.Outcome.Agreed a -> {
                session.setAgreed(a.result());
                LOG.log(Level.INFO, "event=fuse_init session=" + session.name() + " kernel=7." + init.minor()
                        + " offered=" + InitFlags.describe(init.flags()) + " agreed=" + a.result());
                if (write(out, InitCodec.encode(unique, a.result(), out), unique)) {
                    session.initialized(a.result());
                } else {
                    session.initFailed(new LinuxException("FUSE INIT reply", Errno.EIO, "the kernel did not take it"));
                }
            }
        }
    }

    private void writeError(long unique, Errno errno, MemorySegment out) {
        write(out, ReplyEncoder.error(unique, errno, out), unique);
    }

    /** Writes one reply; true if the kernel took it. ENOENT means the request was interrupted: normal. */
    private boolean write(MemorySegment out, int length, long unique) {
        try {
            long n = Unistd.write(session.device(), out, length);
            if (n != length) {
                LOG.log(Level.WARNING, "event=fuse_reply_short session=" + session.name() + " unique=" + unique
                        + " wrote=" + n + " of=" + length);
                return false;
            }
            return true;
        } catch (LinuxException e) {
            if (e.errno() == Errno.ENOENT) {
                LOG.log(Level.DEBUG, "event=fuse_reply_dropped session=" + session.name() + " unique=" + unique
                        + " reason=interrupted");
            } else if (e.errno() == Errno.ENODEV) {
                session.end("unmounted (ENODEV on reply)");
            } else {
                LOG.log(Level.WARNING, "event=fuse_reply_failed session=" + session.name() + " unique=" + unique
                        + " error=\"" + e.getMessage() + "\"");
            }
            return false;
        }
    }

    static String describe(FuseRequest request) {
        FuseContext c = request.context();
        return "opcode=" + request.getClass().getSimpleName().toUpperCase() + " unique=" + Long.toUnsignedString(c.unique())
                + " nodeid=" + c.nodeId() + " uid=" + c.uid() + " pid=" + c.pid();
    }
}
