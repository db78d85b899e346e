package org.fdstore.daemon.continuity;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.protocol.Limits;

/**
 * Changes of the store coalesced into CHANGES frames: as many per frame as fit in 253 fds and one frame's bytes, so
 * that a mirror costs one sendmsg per batch, not one per request. A change is one of
 * <ul>
 *   <li>{@code u8 1} ADD, then an {@link EntryRecord}; its fds (the entry's, then the owner's pidfd) come next in
 *       the frame's fds;</li>
 *   <li>{@code u8 2} REMOVE, then {@code u64} id;</li>
 *   <li>{@code u8 3} REBIND, then {@code u64} id, {@code i32} pid; the new owner's pidfd comes next in the fds.</li>
 * </ul>
 *
 * <p>An entry's fd travels as the store's own: duplicating every saved fd would cost two system calls per save, and
 * a frame is sent at the end of the loop's turn, before the store closes anything in the common case. When it does
 * (a remove in the same turn as the save), {@link #release} swaps a duplicate into the waiting frame first. An
 * owner's pidfd added with {@code own = true} is a duplicate the batch closes once its frame is sent; a snapshot
 * passes the registry's fds unduplicated and sends at once.
 *
 * <p>Not thread safe: the event loop owns it. Closing it frees its buffer and closes what it still owns.
 */
final class ChangeBatch implements AutoCloseable {
    static final int ADD = 1;
    static final int REMOVE = 2;
    static final int REBIND = 3;

    /** Where full frames go. */
    @FunctionalInterface
    interface Sender {
        /** Sends {@code length} bytes of {@code frame} with {@code fds}; they stay the batch's. */
        void send(MemorySegment frame, int length, List<Fd> fds);
    }

    private final Arena arena = Arena.ofShared();
    private final MemorySegment frame = arena.allocate(Limits.MAX_FRAME, 8);
    private final ByteBuffer buffer = frame.asByteBuffer();
    private final List<Fd> fds = new ArrayList<>(Limits.MAX_FDS_PER_FRAME);
    private final List<Fd> owned = new ArrayList<>();
    private final Sender sender;
    private int count;
    /** Frames sent so far, for tests and logs. */
    private long framesSent;

    ChangeBatch(Sender sender) {
        this.sender = sender;
        reset();
    }

    /** An entry was stored. {@code owner} is its owner's pidfd or null. */
    void add(EntryRecord record, Fd fd, Fd owner, boolean own) throws LinuxException {
        room(1 + record.size(), record.fdCount());
        buffer.put((byte) ADD);
        record.encode(buffer);
        fds.add(fd);
        if (record.hasOwnerFd()) attach(owner, own);
        count++;
    }

    /**
     * The store is about to close {@code fd}: a waiting frame that carries it gets a duplicate instead.
     *
     * @throws LinuxException if it cannot be duplicated (out of descriptors)
     */
    void release(Fd fd) throws LinuxException {
        for (int i = 0; i < fds.size(); i++) {
            if (fds.get(i) != fd) continue;
            Fd copy = fd.duplicate();
            owned.add(copy);
            fds.set(i, copy);
            return;
        }
    }

    /** An entry was removed. */
    void remove(long id) {
        room(9, 0);
        buffer.put((byte) REMOVE).putLong(id);
        count++;
    }

    /** An entry is bound to a new owner, whose pidfd is {@code pidfd}. */
    void rebind(long id, int pid, Fd pidfd) throws LinuxException {
        room(13, 1);
        buffer.put((byte) REBIND).putLong(id).putInt(pid);
        attach(pidfd, true);
        count++;
    }

    /** Whether no change waits. */
    boolean isEmpty() {
        return count == 0;
    }

    /** Sends what waits as one frame, then closes the duplicates it carried. */
    void flush() {
        if (count == 0) return;
        try {
            int end = buffer.position();
            buffer.putInt(Limits.HEADER_SIZE, count);
            int length = Frames.end(buffer, Frames.CHANGES, fds.size());
            assert length == end;
            sender.send(frame, length, fds);
            framesSent++;
        } finally {
            owned.forEach(Fd::close);
            reset();
        }
    }

    /** Frames sent so far. */
    long framesSent() {
        return framesSent;
    }

    /** Drops what waits unsent and closes what it owns. */
    void discard() {
        owned.forEach(Fd::close);
        reset();
    }

    @Override
    public void close() {
        discard();
        arena.close();
    }

    private void attach(Fd fd, boolean own) throws LinuxException {
        Fd carried = own ? fd.duplicate() : fd;
        if (own) owned.add(carried);
        fds.add(carried);
    }

    private void room(int bytes, int fdCount) {
        if (buffer.remaining() < bytes || fds.size() + fdCount > Limits.MAX_FDS_PER_FRAME) flush();
    }

    private void reset() {
        fds.clear();
        owned.clear();
        count = 0;
        Frames.begin(buffer).putInt(0);
    }
}
