package org.fdstore.daemon.server;

import java.util.ArrayList;
import java.util.List;
import org.fdstore.daemon.policy.Policy;
import org.fdstore.daemon.policy.Right;
import org.fdstore.daemon.registry.Entry;
import org.fdstore.daemon.registry.Refusal;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fd;
import org.fdstore.protocol.DecodedRequest;
import org.fdstore.protocol.FrameHeader;
import org.fdstore.protocol.MessageType;
import org.fdstore.protocol.Names;
import org.fdstore.protocol.Reply;
import org.fdstore.protocol.ReplyCodec;
import org.fdstore.protocol.Request;

/**
 * SAVE_MANY and RESTORE_MANY: requests that may span frames, and replies that do.
 *
 * <p>A SAVE_MANY is all or nothing: each item is checked as its frame arrives (name, namespace, right to save,
 * capacity for what arrived so far), and the whole batch against names, capacity and quotas once the last frame is
 * in; only then is anything stored. A refused batch closes every fd it brought. RESTORE_MANY applies RESTORE's
 * checks to each entry; its reply is streamed ({@link RestoreStream}), of whole entries or, with BARE, of ids and
 * names. Each bulk request writes one audit line.
 *
 * <p>Not thread safe: called by the event loop only.
 */
final class BulkRequests {
    private final RequestHandler handler;
    private final Store store;

    BulkRequests(RequestHandler handler, Store store) {
        this.handler = handler;
        this.store = store;
    }

    /**
     * Null if {@code frame} may come now; else why it breaks the multi-frame request in progress (a malformed
     * stream, EPROTO), after dropping that request.
     */
    String interruption(Connection c, DecodedRequest frame) {
        OpenBatch open = c.batch;
        if (open == null) return null;
        FrameHeader header = frame.header();
        boolean sameType = !(frame.request() instanceof Request.Unknown) && frame.request().type() == open.type;
        if (sameType && header.requestId() == open.requestId && header.bare() == open.bare) return null;
        c.batch = null;
        open.closeFds();
        if (sameType && header.requestId() == open.requestId) {
            return "a frame of " + open.type + " request " + Long.toUnsignedString(open.requestId)
                    + (open.bare ? " clears" : " sets") + " BARE, unlike its first";
        }
        return "request " + Long.toUnsignedString(header.requestId()) + " arrived before the last frame of "
                + open.type + " request " + Long.toUnsignedString(open.requestId);
    }

    /** One frame of a SAVE_MANY; takes ownership of {@code fds}, which match the items one to one. */
    void saveMany(Connection c, FrameHeader header, Request.SaveMany frame, List<Fd> fds, ReplySink out) {
        OpenBatch batch = open(c, header, MessageType.SAVE_MANY);
        List<Request.Save> items = frame.items();
        for (int i = 0; i < items.size(); i++) {
            if (batch.failure != null) {
                Closer.close(fds.get(i));
                continue;
            }
            int index = batch.saves.size();
            try {
                batch.saves.add(handler.prepare(c, items.get(i), fds.get(i)));
            } catch (Refusal r) {
                Closer.close(fds.get(i));
                batch.fail(new Refusal(r.errno(), "item " + index + ": " + r.getMessage()));
                continue;
            }
            if (batch.saves.size() + store.registry.size() + store.lifetimes.ownerFds() > store.registry.capacity()) {
                // Checked as frames arrive, so that a huge batch cannot hold more fds than the store could keep.
                batch.fail(new Refusal(Errno.ENOSPC, "the store is full: " + store.registry.capacity()
                        + " descriptors; this batch of more than " + index + " items does not fit; remove some first"));
            }
        }
        if (header.continues()) return;
        c.batch = null;
        long requestId = header.requestId();
        int replyType = MessageType.SAVE_MANY.replyCode();
        if (batch.failure != null) {
            refuse(c, "save_many", batch.failure, replyType, requestId, out);
            return;
        }
        List<Entry> entries;
        try {
            entries = store.addAll(c, batch.saves);
        } catch (Refusal r) {
            batch.closeFds();
            refuse(c, "save_many", r, replyType, requestId, out);
            return;
        }
        List<Long> ids = new ArrayList<>(entries.size());
        for (Entry e : entries) ids.add(e.id());
        List<List<Long>> chunks = ReplyCodec.chunkIds(ids);
        for (int i = 0; i < chunks.size(); i++) {
            out.reply(c, replyType, requestId, i < chunks.size() - 1, new Reply.SavedMany(chunks.get(i)), List.of());
        }
        store.audit.entry("save_many", "conn", c.token, "pid", c.peer.pid(),
                "uid", Integer.toUnsignedString(c.peer.uid()), "count", ids.size(),
                "ids", ids.isEmpty() ? null : describeIds(ids), "result", "ok");
    }

    /** One frame of a RESTORE_MANY of selectors. */
    void restoreSelected(Connection c, FrameHeader header, Request.RestoreSelected frame, ReplySink out) {
        OpenBatch batch = open(c, header, MessageType.RESTORE_MANY);
        if (batch.failure == null) {
            if (batch.selectors.size() + frame.selectors().size() > store.registry.capacity() + 1L) {
                batch.fail(new Refusal(Errno.EINVAL, "RESTORE_MANY names more than "
                        + (store.registry.capacity() + 1) + " entries, more than the store can hold"));
            } else {
                batch.selectors.addAll(frame.selectors());
            }
        }
        if (header.continues()) return;
        c.batch = null;
        long requestId = header.requestId();
        int replyType = MessageType.RESTORE_MANY.replyCode();
        try {
            if (batch.failure != null) throw batch.failure;
            List<Entry> entries = new ArrayList<>(batch.selectors.size());
            for (int i = 0; i < batch.selectors.size(); i++) {
                try {
                    entries.add(handler.find(c, batch.selectors.get(i), Right.RESTORE));
                } catch (Refusal r) {
                    throw new Refusal(r.errno(), "selector " + i + ": " + r.getMessage());
                }
            }
            stream(c, requestId, entries, batch.bare, "selectors", batch.selectors.size(), out);
        } catch (Refusal r) {
            refuse(c, "restore_many", r, replyType, requestId, out);
        }
    }

    /**
     * A RESTORE_MANY of a namespace: every entry in it, by id. A namespace out of the peer's reach looks empty; one
     * in reach where it may not restore is refused (EACCES).
     */
    void restoreNamespace(Connection c, long requestId, Request.RestoreNamespace request, ReplySink out) {
        Policy policy = store.policy();
        int replyType = MessageType.RESTORE_MANY.replyCode();
        String namespace = request.namespace().isEmpty() ? c.access.defaultNamespace(policy) : request.namespace();
        try {
            String bad = Names.whyInvalidNamespace(namespace).orElse(null);
            if (bad != null) throw new Refusal(Errno.EINVAL, bad);
            List<Entry> entries = List.of();
            if (c.access.reaches(policy, namespace)) {
                if (!c.access.may(policy, Right.RESTORE, namespace)) {
                    throw new Refusal(Errno.EACCES, RequestHandler.peerName(c) + " may not restore entries of"
                            + " namespace \"" + namespace + "\"");
                }
                entries = store.registry.entries(e -> e.namespace().equals(namespace));
            }
            stream(c, requestId, entries, request.bare(), "namespace", namespace, out);
        } catch (Refusal r) {
            refuse(c, "restore_many", r, replyType, requestId, out);
        }
    }

    private void stream(Connection c, long requestId, List<Entry> entries, boolean bare, String key, Object what,
                        ReplySink out) {
        for (Entry e : entries) handler.claimInGrace(c, e);
        store.audit.entry("restore_many", "conn", c.token, "pid", c.peer.pid(),
                "uid", Integer.toUnsignedString(c.peer.uid()), key, what, "count", entries.size(), "result", "ok");
        out.stream(c, new RestoreStream(requestId, entries, bare));
    }

    private OpenBatch open(Connection c, FrameHeader header, MessageType type) {
        if (c.batch == null) c.batch = new OpenBatch(header.requestId(), type, header.bare());
        return c.batch;
    }

    private void refuse(Connection c, String operation, Refusal r, int replyType, long requestId, ReplySink out) {
        store.audit.refusal(c.peer.uid(), operation, "conn", c.token, "pid", c.peer.pid(),
                "uid", Integer.toUnsignedString(c.peer.uid()), "result", r.errno().name(), "reason", r.getMessage());
        out.reply(c, replyType, requestId, false, Reply.Failure.of(r.errno(), r.getMessage()), List.of());
    }

    /** The first and last id, {@code 1..250}: with the count, enough to find the batch's entries in the trail. */
    private static String describeIds(List<Long> ids) {
        return ids.getFirst() + ".." + ids.getLast();
    }
}
