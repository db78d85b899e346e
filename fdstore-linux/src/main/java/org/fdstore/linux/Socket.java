package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.fdstore.linux.internal.Libc;

/**
 * Bindings to {@code <sys/socket.h>} for AF_UNIX sockets, including fd passing with SCM_RIGHTS.
 *
 * <p>Thread safe. Data buffers must be native memory segments. Every socket and every received fd is close-on-exec.
 * An address that starts with {@code @} names a socket in the abstract namespace.
 */
public final class Socket {
    public static final int AF_UNIX = 1;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_SEQPACKET = 5;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_CTRUNC = 0x8;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int MSG_CMSG_CLOEXEC = 0x40000000;
    /** The kernel's SCM_MAX_FD: most fds one message can carry. */
    public static final int MAX_FDS_PER_MESSAGE = 253;

    static final int SOL_SOCKET = 1;
    static final int SO_PEERCRED = 17;
    static final int SO_TYPE = 3;
    static final int SO_PASSCRED = 16;
    static final int SCM_CREDENTIALS = 2;
    /** Send buffer size (bytes; the kernel doubles it), capped by net.core.wmem_max. */
    public static final int SO_SNDBUF = 7;
    /** As SO_SNDBUF, past net.core.wmem_max; needs CAP_NET_ADMIN. */
    public static final int SO_SNDBUFFORCE = 32;
    /** Send timeout of a blocking socket (struct timeval): sendmsg then fails with EAGAIN. */
    public static final int SO_SNDTIMEO = 21;
    static final int SCM_RIGHTS = 1;
    private static final int SHUT_RD = 0;
    private static final int SHUT_RDWR = 2;
    private static final long SOCKADDR_UN_SIZE = 110;
    private static final int MAX_PATH_BYTES = 107;

    // Each C function in a holder class of its own, linked on its first call (see Libc).
    private static final class socketpair {
        static final MethodHandle HANDLE =
                Libc.downcall("socketpair", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    }
    private static final class listen {
        static final MethodHandle HANDLE = Libc.downcall("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }
    private static final class accept4 {
        static final MethodHandle HANDLE =
                Libc.downcall("accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    }
    private static final class getsockname {
        static final MethodHandle HANDLE =
                Libc.downcall("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    }
    private static final class getsockopt {
        static final MethodHandle HANDLE = Libc.downcall("getsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    }
    private static final class setsockopt {
        static final MethodHandle HANDLE = Libc.downcall("setsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class shutdown {
        static final MethodHandle HANDLE =
                Libc.downcall("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private Socket() {}

    /** socket(2) with SOCK_CLOEXEC added. */
    public static Fd socket(int domain, int type, int protocol) throws LinuxException {
        try {
            int fd = (int) Syscall.call(Syscall.SOCKET, domain, type | SOCK_CLOEXEC, protocol, 0L);
            if (fd < 0) throw Calls.fail("socket(" + domain + ", " + type + ")");
            return Fd.adopt(fd);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** socketpair(2) with SOCK_CLOEXEC added: two connected AF_UNIX sockets. */
    public static Fd[] socketpair(int type) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pair = arena.allocate(JAVA_INT, 2);
            int r = (int) socketpair.HANDLE.invokeExact(Libc.errnoSlot(), AF_UNIX, type | SOCK_CLOEXEC, 0, pair);
            if (r < 0) throw Calls.fail("socketpair(AF_UNIX, " + type + ")");
            return new Fd[] {Fd.adopt(pair.getAtIndex(JAVA_INT, 0)), Fd.adopt(pair.getAtIndex(JAVA_INT, 1))};
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** bind(2) to an AF_UNIX path (or {@code @name} in the abstract namespace). */
    public static void bind(Fd socket, String path) throws LinuxException {
        addressCall(Syscall.BIND, socket, path, "bind");
    }

    /** connect(2) to an AF_UNIX path (or {@code @name}). */
    public static void connect(Fd socket, String path) throws LinuxException {
        addressCall(Syscall.CONNECT, socket, path, "connect");
    }

    /** listen(2). */
    public static void listen(Fd socket, int backlog) throws LinuxException {
        int n = socket.acquire();
        try {
            int r = (int) listen.HANDLE.invokeExact(Libc.errnoSlot(), n, backlog);
            if (r < 0) throw Calls.fail("listen(fd " + n + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            socket.release();
        }
    }

    /** accept4(2) with SOCK_CLOEXEC added: the new connection, or null for EAGAIN on a non-blocking socket. */
    public static Fd accept4(Fd socket, int flags) throws LinuxException {
        int n = socket.acquire();
        try {
            int fd = (int) accept4.HANDLE.invokeExact(Libc.errnoSlot(), n, MemorySegment.NULL, MemorySegment.NULL,
                    flags | SOCK_CLOEXEC);
            if (fd >= 0) return Fd.adopt(fd);
            Calls.failOrAgain("accept4(fd " + n + ")");
            return null;
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            socket.release();
        }
    }

    /** shutdown(2) both directions: the peer sees end of stream while this side keeps the descriptor. */
    public static void shutdown(Fd socket) throws LinuxException {
        shutdown(socket, SHUT_RDWR, "shutdown(fd %d)");
    }

    /**
     * shutdown(SHUT_RD): on an AF_UNIX socket the peer's later sends then fail with EPIPE, so nothing more can
     * arrive; what arrived before can still be read.
     */
    public static void shutdownRead(Fd socket) throws LinuxException {
        shutdown(socket, SHUT_RD, "shutdown(fd %d, SHUT_RD)");
    }

    private static void shutdown(Fd socket, int how, String call) throws LinuxException {
        int n = socket.acquire();
        try {
            int r = (int) shutdown.HANDLE.invokeExact(Libc.errnoSlot(), n, how);
            if (r < 0) throw Calls.fail(String.format(call, n));
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            socket.release();
        }
    }

    /**
     * sendmsg(2) of {@code length} bytes of {@code data} with {@code fds} attached as SCM_RIGHTS (MSG_NOSIGNAL is
     * added). The fds stay owned by the caller: the kernel takes its own references.
     *
     * @return the bytes sent, or -1 for EAGAIN on a non-blocking socket
     * @throws IllegalArgumentException with more than 253 fds
     */
    public static long sendmsg(Fd socket, MemorySegment data, long length, List<Fd> fds, int flags)
            throws LinuxException {
        if (fds.size() > MAX_FDS_PER_MESSAGE) {
            throw new IllegalArgumentException(fds.size() + " fds exceed " + MAX_FDS_PER_MESSAGE + " per message");
        }
        MessageScratch m = MessageScratch.get();
        int n = socket.acquire();
        int acquired = 0;
        try {
            for (Fd fd : fds) {
                m.putFd(acquired, fd.acquire());
                acquired++;
            }
            MemorySegment msg = m.prepareSend(data, length, fds.size());
            long r = Syscall.call(Syscall.SENDMSG, n, Syscall.address(msg), flags | MSG_NOSIGNAL, 0L);
            if (r >= 0) return r;
            if (Calls.again()) return -1;
            throw Calls.fail("sendmsg(fd " + n + ", " + fds.size() + " fds)");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            for (int i = 0; i < acquired; i++) fds.get(i).release();
            socket.release();
        }
    }

    /**
     * recvmsg(2) of one message into {@code buffer}, with room for 253 fds and MSG_CMSG_CLOEXEC added. The caller
     * owns the returned fds.
     *
     * @return the message, or null for EAGAIN on a non-blocking socket
     * @throws LinuxException EPROTO if the control data was truncated (MSG_CTRUNC); the fds that did arrive are
     *                        closed first
     */
    public static Received recvmsg(Fd socket, MemorySegment buffer, int flags) throws LinuxException {
        Datagram d = recvmsgWithCredentials(socket, buffer, flags);
        return d == null ? null : d.message();
    }

    /**
     * {@link #recvmsg}, also returning the SCM_CREDENTIALS that came with the message: a socket with
     * {@link #setPassCredentials} gets the sender's pid, uid and gid with every message, checked by the kernel.
     *
     * @return the message, or null for EAGAIN on a non-blocking socket
     * @throws LinuxException EPROTO if the control data was truncated (MSG_CTRUNC); the fds that did arrive are
     *                        closed first
     */
    public static Datagram recvmsgWithCredentials(Fd socket, MemorySegment buffer, int flags) throws LinuxException {
        MessageScratch m = MessageScratch.get();
        int n = socket.acquire();
        try {
            MemorySegment msg = m.prepareReceive(buffer);
            long r = Syscall.call(Syscall.RECVMSG, n, Syscall.address(msg), flags | MSG_CMSG_CLOEXEC, 0L);
            if (r < 0) {
                if (Calls.again()) return null;
                throw Calls.fail("recvmsg(fd " + n + ")");
            }
            List<Fd> fds = adoptAll(m.receivedFds());
            int msgFlags = m.receivedFlags();
            if ((msgFlags & MSG_CTRUNC) != 0) {
                fds.forEach(Fd::close);
                throw new LinuxException("recvmsg(fd " + n + ")", Errno.EPROTO,
                        "control data truncated (MSG_CTRUNC); the fds that arrived were closed");
            }
            return new Datagram(new Received(r, fds, msgFlags), m.receivedCredentials());
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            socket.release();
        }
    }

    /** setsockopt(SOL_SOCKET, option) with an int value, e.g. {@link #SO_SNDBUF}. */
    public static void setIntOption(Fd socket, int option, int value) throws LinuxException {
        int n = socket.acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocateFrom(JAVA_INT, value);
            int r = (int) setsockopt.HANDLE.invokeExact(Libc.errnoSlot(), n, SOL_SOCKET, option, v, 4);
            if (r < 0) throw Calls.fail("setsockopt(fd " + n + ", SOL_SOCKET, " + option + ", " + value + ")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            socket.release();
        }
    }

    /** setsockopt(SOL_SOCKET, {@link #SO_SNDTIMEO}): a blocking send gives up after {@code millis} (0: never). */
    public static void setSendTimeout(Fd socket, long millis) throws LinuxException {
        int n = socket.acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment timeval = arena.allocate(16, 8);
            timeval.set(JAVA_LONG, 0, millis / 1000);
            timeval.set(JAVA_LONG, 8, (millis % 1000) * 1000);
            int r = (int) setsockopt.HANDLE.invokeExact(Libc.errnoSlot(), n, SOL_SOCKET, SO_SNDTIMEO, timeval, 16);
            if (r < 0) throw Calls.fail("setsockopt(fd " + n + ", SO_SNDTIMEO, " + millis + " ms)");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            socket.release();
        }
    }

    /**
     * The credentials the kernel recorded for the peer of a connected AF_UNIX socket (SO_PEERCRED): for a client,
     * those of the process that called listen(2) on the daemon's socket. Made through syscall(2), the one C signature
     * a short command links, since every client checks who the daemon is before it sends anything.
     */
    public static PeerCredentials peerCredentials(Fd socket) throws LinuxException {
        int n = socket.acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ucred = arena.allocate(12, 4);
            MemorySegment length = arena.allocateFrom(JAVA_INT, 12);
            long r = Syscall.call(Syscall.GETSOCKOPT, n, SOL_SOCKET, SO_PEERCRED, Syscall.address(ucred),
                    Syscall.address(length));
            if (r < 0) throw Calls.fail("getsockopt(fd " + n + ", SO_PEERCRED)");
            return new PeerCredentials(ucred.get(JAVA_INT, 0), ucred.get(JAVA_INT, 4), ucred.get(JAVA_INT, 8));
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            socket.release();
        }
    }

    /** setsockopt(SOL_SOCKET, SO_PASSCRED, 1): every message received afterwards carries SCM_CREDENTIALS. */
    public static void setPassCredentials(Fd socket) throws LinuxException {
        setIntOption(socket, SO_PASSCRED, 1);
    }

    /**
     * getsockopt(SOL_SOCKET, SO_TYPE): {@link #SOCK_STREAM}, {@link #SOCK_DGRAM} or {@link #SOCK_SEQPACKET}.
     *
     * @throws LinuxException ENOTSOCK if {@code fd} is not a socket
     */
    public static int socketType(Fd fd) throws LinuxException {
        int n = fd.acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            MemorySegment length = arena.allocateFrom(JAVA_INT, 4);
            int r = (int) getsockopt.HANDLE.invokeExact(Libc.errnoSlot(), n, SOL_SOCKET, SO_TYPE, value, length);
            if (r < 0) throw Calls.fail("getsockopt(fd " + n + ", SO_TYPE)");
            return value.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            fd.release();
        }
    }

    private static List<Fd> adoptAll(int[] numbers) {
        List<Fd> fds = new ArrayList<>(numbers.length);
        for (int number : numbers) fds.add(Fd.adopt(number));
        return fds;
    }

    /**
     * getsockname(2) of an AF_UNIX socket: the path it is bound to, {@code @name} for the abstract namespace (NUL
     * bytes of the name as they are), or "" if it is unbound.
     */
    public static String localAddress(Fd socket) throws LinuxException {
        int n = socket.acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(SOCKADDR_UN_SIZE, 2);
            MemorySegment length = arena.allocateFrom(JAVA_INT, (int) SOCKADDR_UN_SIZE);
            int r = (int) getsockname.HANDLE.invokeExact(Libc.errnoSlot(), n, address, length);
            if (r < 0) throw Calls.fail("getsockname(fd " + n + ")");
            int pathBytes = Math.min(length.get(JAVA_INT, 0), (int) SOCKADDR_UN_SIZE) - 2;
            if (pathBytes <= 0) return "";
            byte[] bytes = address.asSlice(2, pathBytes).toArray(JAVA_BYTE);
            if (bytes[0] == 0) return "@" + new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8);
            int end = 0;
            while (end < bytes.length && bytes[end] != 0) end++;
            return new String(bytes, 0, end, StandardCharsets.UTF_8);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            socket.release();
        }
    }

    private static void addressCall(long call, Fd socket, String path, String name) throws LinuxException {
        int n = socket.acquire();
        try (Arena arena = Arena.ofConfined()) {
            byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
            if (bytes.length == 0 || bytes.length > MAX_PATH_BYTES) {
                throw new LinuxException(name + "(\"" + path + "\")", Errno.ENAMETOOLONG,
                        "a socket path holds 1 to " + MAX_PATH_BYTES + " bytes, this one " + bytes.length);
            }
            boolean abstractName = bytes[0] == '@';
            MemorySegment address = arena.allocate(SOCKADDR_UN_SIZE, 2);
            address.set(JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(bytes, 0, address, JAVA_BYTE, 2, bytes.length);
            if (abstractName) address.set(JAVA_BYTE, 2, (byte) 0);
            int length = 2 + bytes.length + (abstractName ? 0 : 1);
            long r = Syscall.call(call, n, Syscall.address(address), length, 0L);
            if (r < 0) throw Calls.fail(name + "(\"" + path + "\")");
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        } finally {
            socket.release();
        }
    }
}
