package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A thread's reusable {@code struct msghdr}, {@code struct iovec} and control buffer, so that sendmsg and recvmsg
 * allocate nothing. Layouts are x86_64: msghdr 56 bytes, iovec 16, cmsghdr 16 with a size_t length.
 */
final class MessageScratch {
    private static final long MSGHDR = 0;
    private static final long IOV = 56;
    private static final long CONTROL = 72;
    private static final long CMSG_HEADER = 16;
    private static final long UCRED_BYTES = 12;
    /** Room for a full SCM_RIGHTS message plus the SCM_CREDENTIALS a socket with SO_PASSCRED receives. */
    private static final long CONTROL_CAPACITY = cmsgSpace(Socket.MAX_FDS_PER_MESSAGE * 4L) + cmsgSpace(UCRED_BYTES);
    private static final int[] NONE = {};
    private static final ThreadLocal<MessageScratch> PER_THREAD = ThreadLocal.withInitial(MessageScratch::new);

    private final MemorySegment memory = Arena.ofAuto().allocate(CONTROL + CONTROL_CAPACITY, 8);

    static MessageScratch get() {
        return PER_THREAD.get();
    }

    static long cmsgSpace(long dataBytes) {
        return CMSG_HEADER + ((dataBytes + 7) & ~7L);
    }

    /** Stores the i-th fd number of the next send. */
    void putFd(int index, int fd) {
        memory.set(JAVA_INT, CONTROL + CMSG_HEADER + 4L * index, fd);
    }

    MemorySegment prepareSend(MemorySegment data, long length, int fdCount) {
        if (length > data.byteSize()) throw new IllegalArgumentException("length " + length + " > buffer");
        header(data, length);
        if (fdCount == 0) {
            memory.set(ADDRESS, MSGHDR + 32, MemorySegment.NULL);
            memory.set(JAVA_LONG, MSGHDR + 40, 0L);
        } else {
            memory.set(JAVA_LONG, CONTROL, CMSG_HEADER + 4L * fdCount);   // cmsg_len is a full size_t
            memory.set(JAVA_INT, CONTROL + 8, Socket.SOL_SOCKET);
            memory.set(JAVA_INT, CONTROL + 12, Socket.SCM_RIGHTS);
            memory.set(ADDRESS, MSGHDR + 32, memory.asSlice(CONTROL));
            memory.set(JAVA_LONG, MSGHDR + 40, cmsgSpace(4L * fdCount));
        }
        return memory;
    }

    MemorySegment prepareReceive(MemorySegment buffer) {
        header(buffer, buffer.byteSize());
        memory.set(ADDRESS, MSGHDR + 32, memory.asSlice(CONTROL));
        // The kernel overwrites msg_controllen, so it is reset before every receive.
        memory.set(JAVA_LONG, MSGHDR + 40, CONTROL_CAPACITY);
        return memory;
    }

    /** The fd numbers of every SCM_RIGHTS message in the control data of the last receive. */
    int[] receivedFds() {
        long used = memory.get(JAVA_LONG, MSGHDR + 40);
        int[] fds = NONE;
        for (long at = 0; at + CMSG_HEADER <= used; ) {
            long length = cmsgLength(at);
            if (length < CMSG_HEADER || at + length > used) break;
            if (isRights(at)) {
                int count = fds.length;
                int more = (int) ((length - CMSG_HEADER) / 4);
                fds = Arrays.copyOf(fds, count + more);
                for (int k = 0; k < more; k++) fds[count + k] = memory.get(JAVA_INT, CONTROL + at + CMSG_HEADER + 4L * k);
            }
            at += cmsgSpace(length - CMSG_HEADER);
        }
        return fds;
    }

    /** The SCM_CREDENTIALS of the last receive, or null if none came (the socket lacks SO_PASSCRED). */
    PeerCredentials receivedCredentials() {
        long used = memory.get(JAVA_LONG, MSGHDR + 40);
        for (long at = 0; at + CMSG_HEADER <= used; ) {
            long length = cmsgLength(at);
            if (length < CMSG_HEADER || at + length > used) break;
            if (memory.get(JAVA_INT, CONTROL + at + 8) == Socket.SOL_SOCKET
                    && memory.get(JAVA_INT, CONTROL + at + 12) == Socket.SCM_CREDENTIALS
                    && length >= CMSG_HEADER + UCRED_BYTES) {
                long data = CONTROL + at + CMSG_HEADER;
                return new PeerCredentials(memory.get(JAVA_INT, data), memory.get(JAVA_INT, data + 4),
                        memory.get(JAVA_INT, data + 8));
            }
            at += cmsgSpace(length - CMSG_HEADER);
        }
        return null;
    }

    int receivedFlags() {
        return memory.get(JAVA_INT, MSGHDR + 48);
    }

    private long cmsgLength(long at) {
        return memory.get(JAVA_LONG, CONTROL + at);
    }

    private boolean isRights(long at) {
        return memory.get(JAVA_INT, CONTROL + at + 8) == Socket.SOL_SOCKET
                && memory.get(JAVA_INT, CONTROL + at + 12) == Socket.SCM_RIGHTS;
    }

    private void header(MemorySegment data, long length) {
        memory.set(JAVA_LONG, IOV, data.address());
        memory.set(JAVA_LONG, IOV + 8, length);
        memory.set(ADDRESS, MSGHDR, MemorySegment.NULL);       // msg_name
        memory.set(JAVA_INT, MSGHDR + 8, 0);                   // msg_namelen
        memory.set(ADDRESS, MSGHDR + 16, memory.asSlice(IOV)); // msg_iov
        memory.set(JAVA_LONG, MSGHDR + 24, 1L);                // msg_iovlen
        memory.set(JAVA_INT, MSGHDR + 48, 0);                  // msg_flags
    }
}
