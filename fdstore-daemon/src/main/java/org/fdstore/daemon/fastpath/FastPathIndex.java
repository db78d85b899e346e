package org.fdstore.daemon.fastpath;

import static org.fdstore.protocol.FastPathLayout.SLOT_FD;
import static org.fdstore.protocol.FastPathLayout.SLOT_ID;
import static org.fdstore.protocol.FastPathLayout.SLOT_SEQUENCE;
import static org.fdstore.protocol.FastPathLayout.slot;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Memfd;
import org.fdstore.linux.Mman;
import org.fdstore.linux.Unistd;
import org.fdstore.protocol.FastPathLayout;

/**
 * The daemon's side of the fast-path restore: a memfd, mapped writable here and handed read-only to clients, that
 * maps an entry id to the daemon's descriptor number for it under a per-slot sequence number (a seqlock). A client
 * that may ptrace the daemon reads a slot, copies the descriptor with pidfd_getfd, and re-reads the sequence: if it
 * did not change, the copy is the entry's file. The layout and the race analysis are in docs/protocol.md
 * ("Fast-path restore").
 *
 * <p>The index is sized at start for every id the store can hand out (ids are the smallest free integers, so they
 * never exceed the capacity plus one) and never grows. Its invariant: a slot that names descriptor N is unpublished
 * (sequence bumped, release) before the daemon closes N, so that a client whose copy raced with the close sees a
 * changed sequence.
 *
 * <p>Not thread safe: the event loop owns it. Closing it retires the index: every slot is unpublished and the
 * header says so, and the daemon's own descriptor and mapping are released.
 */
public final class FastPathIndex implements AutoCloseable {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final Fd memfd;
    private final Mman.Mapping mapping;
    private final MemorySegment index;
    private final int slotCount;
    private boolean retired;

    private FastPathIndex(Fd memfd, Mman.Mapping mapping, int slotCount) {
        this.memfd = memfd;
        this.mapping = mapping;
        this.index = mapping.segment();
        this.slotCount = slotCount;
    }

    /**
     * An empty index with a slot for every id from 1 to {@code capacity + 1}.
     *
     * @throws LinuxException if the memfd cannot be made, sized or mapped
     */
    public static FastPathIndex create(int capacity) throws LinuxException {
        int slots = capacity + 2;
        Fd memfd = Memfd.memfdCreate("fdstore-fastpath");
        try {
            long size = FastPathLayout.size(slots);
            Unistd.ftruncate(memfd, size);
            Mman.Mapping mapping = Mman.mmapShared(memfd, size, true);
            MemorySegment m = mapping.segment();
            for (int i = 0; i < slots; i++) m.set(ValueLayout.JAVA_INT, slot(i) + SLOT_FD, -1);
            m.set(ValueLayout.JAVA_INT, FastPathLayout.OFFSET_MAGIC, FastPathLayout.MAGIC);
            m.set(ValueLayout.JAVA_INT, FastPathLayout.OFFSET_VERSION, FastPathLayout.VERSION);
            m.set(ValueLayout.JAVA_INT, FastPathLayout.OFFSET_SLOT_SIZE, FastPathLayout.SLOT_SIZE);
            m.set(ValueLayout.JAVA_INT, FastPathLayout.OFFSET_SLOT_COUNT, slots);
            return new FastPathIndex(memfd, mapping, slots);
        } catch (LinuxException | RuntimeException e) {
            memfd.close();
            throw e;
        }
    }

    /** Slots, slot 0 included (never used: ids start at 1). */
    public int slotCount() {
        return slotCount;
    }

    /** The daemon's descriptor number of the index, which a client uses to check its pidfd names this process. */
    public int descriptorNumber() {
        return memfd.number();
    }

    /**
     * A new read-only descriptor of the index for a client (a reopen of the memfd with O_RDONLY, so it can be
     * mapped only for reading). The caller owns and closes it.
     */
    public Fd readOnlyDescriptor() throws LinuxException {
        return Fcntl.open("/proc/self/fd/" + memfd.number(), Fcntl.O_RDONLY | Fcntl.O_CLOEXEC, 0);
    }

    /** Publishes entry {@code id} as held in the daemon's descriptor {@code fd}; ids beyond the index are skipped. */
    public void publish(long id, Fd fd) {
        if (retired || id <= 0 || id >= slotCount) return;
        write(id, id, fd.number());
    }

    /**
     * Unpublishes entry {@code id}. Must run before its descriptor is closed or handed to anyone who may close it:
     * the sequence bump is what tells a racing client that its copy may be of another file.
     */
    public void unpublish(long id) {
        if (retired || id <= 0 || id >= slotCount) return;
        if ((long) index.get(ValueLayout.JAVA_LONG, slot(id) + SLOT_ID) == 0) return;
        write(id, 0, -1);
    }

    /** Retires the index: unpublishes every slot, marks the header, and releases this process's mapping and fd. */
    @Override
    public void close() {
        if (retired) return;
        for (long i = 1; i < slotCount; i++) unpublish(i);
        LONG.setVolatile(index, (long) FastPathLayout.OFFSET_STATE, 1L);
        retired = true;
        mapping.close();
        memfd.close();
    }

    private void write(long slotIndex, long id, int fd) {
        long at = slot(slotIndex);
        long sequence = (long) LONG.get(index, at + SLOT_SEQUENCE);
        // Odd while changing; the volatile store orders it before the field stores that follow.
        LONG.setVolatile(index, at + SLOT_SEQUENCE, sequence + 1);
        index.set(ValueLayout.JAVA_LONG, at + SLOT_ID, id);
        index.set(ValueLayout.JAVA_INT, at + SLOT_FD, fd);
        LONG.setRelease(index, at + SLOT_SEQUENCE, sequence + 2);
    }
}
