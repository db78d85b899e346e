package org.fdstore.client;

import static org.fdstore.protocol.FastPathLayout.SLOT_FD;
import static org.fdstore.protocol.FastPathLayout.SLOT_ID;
import static org.fdstore.protocol.FastPathLayout.SLOT_SEQUENCE;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FileStat;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Mman;
import org.fdstore.linux.Pidfd;
import org.fdstore.linux.Proc;
import org.fdstore.linux.Stat;
import org.fdstore.protocol.FastPathLayout;

/**
 * The client's side of the fast-path restore: the daemon's index mapped read-only, and a pidfd of the daemon to copy
 * descriptors out of it with pidfd_getfd. The protocol and why a concurrent remove can never hand the wrong file are
 * in docs/protocol.md ("Fast-path restore").
 *
 * <p>Thread safe. {@link #close()} may run while other threads restore: the mapping lives in a shared arena, whose
 * closing waits for accesses in progress and makes later ones fail, which {@link #restore} reports as "not served".
 */
final class FastPathClient implements AutoCloseable {
    /** How a fast-path attempt ended when it returned no fd. */
    enum Miss {
        /** The entry is not in the index (missing, owner-bound, or an id beyond it): ask the socket. */
        NOT_INDEXED,
        /** The daemon kept changing the slot: ask the socket. */
        CONTENDED,
        /** This process may not copy the daemon's descriptors (EPERM): never again on this connection. */
        DENIED,
        /** The daemon has exited or retired the index: ask the socket, and ask for a new index. */
        GONE
    }

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final int ATTEMPTS = 16;

    private final Arena arena;
    private final MemorySegment index;
    private final long slotCount;
    private final Pidfd daemon;

    private FastPathClient(Arena arena, MemorySegment index, long slotCount, Pidfd daemon) {
        this.arena = arena;
        this.index = index;
        this.slotCount = slotCount;
        this.daemon = daemon;
    }

    /**
     * Maps the index the daemon sent and checks that this process may copy the daemon's descriptors: it copies the
     * daemon's own descriptor of the index and compares the inode with {@code indexFd}'s, which also proves the
     * pidfd names the daemon and not a process that reused its pid. Closes {@code indexFd} in every case.
     *
     * The process it copies from must run as a uid of {@code trusted}, as the daemon behind the socket must: the
     * pid comes from the daemon's reply, and a copy from another user's process would be a file of that user's
     * choosing.
     *
     * @param daemonIndexFd the daemon's descriptor number of the index
     * @throws LinuxException EPERM if this process may not ptrace the daemon, ESRCH if it has exited, EPROTO for
     *     an index that is not one
     * @throws FdStoreException EPERM if process {@code daemonPid} runs as an untrusted uid
     */
    static FastPathClient open(Fd indexFd, int daemonPid, int daemonIndexFd, TrustedUids trusted)
            throws LinuxException, FdStoreException {
        try (indexFd) {
            FileStat stat = Stat.fstat(indexFd);
            if (stat.size() < FastPathLayout.HEADER_SIZE) throw notAnIndex("it holds only " + stat.size() + " bytes");
            Mman.Mapping mapping = Mman.mmapShared(indexFd, stat.size(), false);
            Arena arena = Arena.ofShared();
            MemorySegment index = mapping.segment().reinterpret(arena, ignored -> mapping.close());
            try {
                long slots = Integer.toUnsignedLong(index.get(ValueLayout.JAVA_INT, FastPathLayout.OFFSET_SLOT_COUNT));
                if (index.get(ValueLayout.JAVA_INT, FastPathLayout.OFFSET_MAGIC) != FastPathLayout.MAGIC
                        || index.get(ValueLayout.JAVA_INT, FastPathLayout.OFFSET_VERSION) != FastPathLayout.VERSION
                        || index.get(ValueLayout.JAVA_INT, FastPathLayout.OFFSET_SLOT_SIZE) != FastPathLayout.SLOT_SIZE
                        || FastPathLayout.size(slots) > stat.size()) {
                    throw notAnIndex("its header does not describe layout version " + FastPathLayout.VERSION);
                }
                Pidfd daemon = Pidfd.open(daemonPid);
                try {
                    // Read after pidfd_open: if the pid was reused since, the probe below fails with ESRCH.
                    int uid = Proc.effectiveUid(daemonPid);
                    if (!trusted.accepts(uid)) {
                        throw trusted.untrusted("the fast path's daemon process " + daemonPid, "runs as", uid);
                    }
                } catch (FdStoreException | LinuxException e) {
                    daemon.close();
                    throw e;
                } catch (IOException e) {
                    daemon.close();
                    throw new LinuxException("fast path", Errno.ESRCH, "cannot read the uid of pid " + daemonPid
                            + ": " + e.getMessage());
                }
                try (Fd probe = daemon.getfd(daemonIndexFd)) {
                    FileStat copied = Stat.fstat(probe);
                    if (copied.ino() != stat.ino() || copied.dev() != stat.dev()) {
                        throw new LinuxException("fast path", Errno.ESRCH, "pid " + daemonPid
                                + " is no longer the daemon that sent the index");
                    }
                } catch (LinuxException e) {
                    daemon.close();
                    throw e;
                }
                return new FastPathClient(arena, index, slots, daemon);
            } catch (LinuxException | FdStoreException | RuntimeException e) {
                arena.close();
                throw e;
            }
        }
    }

    /**
     * A new descriptor for entry {@code id} copied from the daemon, or null with {@code miss[0]} saying why not.
     * The caller owns the returned fd.
     */
    Fd restore(long id, Miss[] miss) {
        if (id <= 0 || id >= slotCount) {
            miss[0] = Miss.NOT_INDEXED;
            return null;
        }
        long at = FastPathLayout.slot(id);
        try {
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                long sequence = (long) LONG.getAcquire(index, at + SLOT_SEQUENCE);
                if ((sequence & 1) != 0) {
                    Thread.onSpinWait();
                    continue;
                }
                long slotId = index.get(ValueLayout.JAVA_LONG, at + SLOT_ID);
                int fd = index.get(ValueLayout.JAVA_INT, at + SLOT_FD);
                VarHandle.loadLoadFence();
                if ((long) LONG.getAcquire(index, at + SLOT_SEQUENCE) != sequence) continue;
                if (slotId != id || fd < 0) {
                    miss[0] = (long) LONG.getAcquire(index, FastPathLayout.OFFSET_STATE) != 0 ? Miss.GONE
                            : Miss.NOT_INDEXED;
                    return null;
                }
                Fd copy;
                try {
                    copy = daemon.getfd(fd);
                } catch (LinuxException e) {
                    if (e.errno() == Errno.EBADF) continue;  // closed under us; the sequence has moved
                    miss[0] = e.errno() == Errno.EPERM ? Miss.DENIED : Miss.GONE;
                    return null;
                }
                // The daemon bumps the sequence before it closes or reuses the number: unchanged means the copy is
                // the file the slot named while we read it.
                VarHandle.fullFence();
                if ((long) LONG.getAcquire(index, at + SLOT_SEQUENCE) == sequence) return copy;
                copy.close();
            }
            miss[0] = Miss.CONTENDED;
            return null;
        } catch (IllegalStateException closedConcurrently) {
            miss[0] = Miss.GONE;
            return null;
        }
    }

    /** Unmaps the index (after restores in progress end) and closes the pidfd. Harmless when repeated. */
    @Override
    public void close() {
        try {
            arena.close();
        } catch (IllegalStateException alreadyClosed) {
            // Closed by another thread first.
        }
        daemon.close();
    }

    private static LinuxException notAnIndex(String why) {
        return new LinuxException("fast path", Errno.EPROTO, "the daemon's index is not usable: " + why);
    }
}
