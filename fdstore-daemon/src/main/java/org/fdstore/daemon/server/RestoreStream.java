package org.fdstore.daemon.server;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.fdstore.daemon.registry.Entry;
import org.fdstore.linux.Fd;
import org.fdstore.protocol.BareEntry;
import org.fdstore.protocol.EntryInfo;
import org.fdstore.protocol.Limits;
import org.fdstore.protocol.MessageType;
import org.fdstore.protocol.Reply;
import org.fdstore.protocol.ReplyCodec;

/**
 * The frames of a RESTORE_MANY reply not sent yet, made one at a time as the client's socket takes them: up to 253
 * entries (fds) per frame, whole or bare (id and name), every frame but the last with {@code CONTINUES}. Frames are
 * made from the entries themselves rather than queued with duplicated fds, so a reply of 15,000 fds costs the daemon
 * no descriptors.
 *
 * <p>An entry removed by another client before its frame is made is left out (its fd is closed by then): a frame
 * never carries a file whose entry was not in the store when the frame was sent. So the last frame can be empty.
 *
 * <p>Not thread safe: owned by its connection on the event loop.
 */
final class RestoreStream {
    private final long requestId;
    private final List<Entry> entries;
    private final List<Fd> frameFds = new ArrayList<>(Limits.MAX_FDS_PER_FRAME);
    private final boolean bare;
    private final List<EntryInfo> frameInfos = new ArrayList<>(Limits.MAX_FDS_PER_FRAME);
    private final List<BareEntry> frameBare = new ArrayList<>(Limits.MAX_FDS_PER_FRAME);
    /** The first entry not yet sent. */
    private int position;
    /** Where the frame last made ends; becomes {@link #position} once it is sent. */
    private int next;

    /** @param bare whether the frames hold bare entries (ids and names) rather than whole ones */
    RestoreStream(long requestId, List<Entry> entries, boolean bare) {
        this.requestId = requestId;
        this.entries = entries;
        this.bare = bare;
    }

    /** Makes the next frame in {@code scratch}; returns its length. Its fds are {@link #frameFds()}. */
    int makeFrame(MemorySegment scratch) {
        frameFds.clear();
        frameInfos.clear();
        frameBare.clear();
        long size = ReplyCodec.multiFrameOverhead();
        int i = position;
        for (; i < entries.size() && frameFds.size() < Limits.MAX_FDS_PER_FRAME; i++) {
            Entry e = entries.get(i);
            if (!e.fd().isOpen()) continue;
            if (bare) {
                // No size to check: 253 bare entries, a name being at most 255 bytes, take about half a frame.
                frameBare.add(new BareEntry(e.id(), e.name()));
            } else {
                EntryInfo info = e.info();
                long entrySize = ReplyCodec.entrySize(info);
                if (size + entrySize > Limits.MAX_FRAME) break;
                frameInfos.add(info);
                size += entrySize;
            }
            frameFds.add(e.fd());
        }
        next = i;
        ByteBuffer out = scratch.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        Reply reply = bare ? new Reply.RestoredBare(frameBare) : new Reply.RestoredMany(frameInfos);
        return ReplyCodec.encode(MessageType.RESTORE_MANY.replyCode(), requestId, next < entries.size(), reply,
                frameFds.size(), out);
    }

    /** The fds of the frame last made, owned by their entries. */
    List<Fd> frameFds() {
        return frameFds;
    }

    /** The frame last made was sent; true when it was the last one. */
    boolean sent() {
        position = next;
        return position >= entries.size();
    }
}
