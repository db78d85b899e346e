package org.fdstore.daemon.server;

import java.time.Clock;
import java.util.List;
import org.fdstore.daemon.observe.EventLog;
import org.fdstore.daemon.policy.Access;
import org.fdstore.daemon.registry.Entry;
import org.fdstore.daemon.registry.Refusal;
import org.fdstore.daemon.registry.Registry;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FdDescription;
import org.fdstore.linux.LinuxException;
import org.fdstore.protocol.DecodedRequest;
import org.fdstore.protocol.EntryInfo;
import org.fdstore.protocol.Limits;
import org.fdstore.protocol.Names;
import org.fdstore.protocol.ReplyCodec;
import org.fdstore.protocol.Reply;
import org.fdstore.protocol.Request;

/**
 * Carries out one well-formed request against the registry and answers it. Every request gets exactly one reply
 * (LIST: one reply in several frames), every fd that came with it is either stored or closed, and a refused request
 * changes nothing.
 *
 * <p>Not thread safe: called by the event loop only.
 */
final class RequestHandler {
    private final Registry registry;
    private final EventLog log;
    private final Clock clock;
    private final int daemonPid;

    RequestHandler(Registry registry, EventLog log, Clock clock, int daemonPid) {
        this.registry = registry;
        this.log = log;
        this.clock = clock;
        this.daemonPid = daemonPid;
    }

    /** Handles {@code frame}, taking ownership of {@code fds}. */
    void handle(Connection c, DecodedRequest frame, List<Fd> fds, ReplySink out) {
        Request request = frame.request();
        long requestId = frame.header().requestId();
        int replyType = request.code() | 0x80;
        if (c.version == 0 || request instanceof Request.Hello) {
            closeAll(fds);
            greet(c, frame, out);
            return;
        }
        if (frame.header().version() != c.version) {
            closeAll(fds);
            out.reject(c, replyType, requestId, Reply.Failure.of(Errno.EPROTONOSUPPORT, "frame of version "
                    + frame.header().version() + " on a connection that agreed on version " + c.version));
            return;
        }
        try {
            checkFdCount(request, fds);
            Reply reply = switch (request) {
                case Request.Save save -> save(c, save, fds.getFirst());
                case Request.Restore restore -> {
                    Entry entry = registry.find(restore.selector(), e -> Access.reaches(c.peer, e));
                    logOk(c, "restore", entry);
                    out.reply(c, replyType, requestId, false, new Reply.Restored(entry.info()), List.of(entry.fd()));
                    yield null;
                }
                case Request.Take take -> {
                    Entry entry = registry.find(take.selector(), e -> Access.reaches(c.peer, e));
                    registry.remove(entry);
                    logOk(c, "take", entry);
                    out.reply(c, replyType, requestId, false, new Reply.Restored(entry.info()), List.of(entry.fd()));
                    entry.fd().close();
                    yield null;
                }
                case Request.Remove remove -> {
                    Entry entry = registry.find(remove.selector(), e -> Access.reaches(c.peer, e));
                    registry.remove(entry);
                    entry.fd().close();
                    logOk(c, "remove", entry);
                    yield new Reply.Removed(entry.id());
                }
                case Request.ListEntries list -> {
                    list(c, replyType, requestId, out);
                    yield null;
                }
                case Request.Unknown unknown -> throw new Refusal(Errno.ENOSYS,
                        "message type 0x" + Integer.toHexString(unknown.code()) + " is not defined in version " + c.version);
                case Request.Hello hello -> throw new IllegalStateException("HELLO is answered above");
            };
            if (reply != null) out.reply(c, replyType, requestId, false, reply, List.of());
        } catch (Refusal refusal) {
            closeAll(fds);
            log.log(operation(request), "conn", c.token, "pid", c.peer.pid(), "uid", c.peer.uid(),
                    "result", refusal.errno().name(), "reason", refusal.getMessage());
            out.reply(c, replyType, requestId, false, Reply.Failure.of(refusal.errno(), refusal.getMessage()), List.of());
        }
    }

    private void greet(Connection c, DecodedRequest frame, ReplySink out) {
        long requestId = frame.header().requestId();
        int replyType = frame.request().code() | 0x80;
        if (!(frame.request() instanceof Request.Hello hello)) {
            out.reject(c, replyType, requestId, Reply.Failure.of(Errno.EPROTO,
                    "the first frame of a connection must be HELLO"));
            return;
        }
        if (c.version != 0) {
            out.reject(c, replyType, requestId, Reply.Failure.of(Errno.EPROTO, "HELLO was already answered"));
            return;
        }
        if (frame.header().version() != 1 || hello.minVersion() > Limits.VERSION || hello.maxVersion() < Limits.VERSION) {
            out.reject(c, replyType, requestId, Reply.Failure.of(Errno.EPROTONOSUPPORT, "the daemon speaks version "
                    + Limits.VERSION + " only; the client asked for " + hello.minVersion() + " to " + hello.maxVersion()));
            return;
        }
        c.version = Limits.VERSION;
        log.log("hello", "conn", c.token, "pid", c.peer.pid(), "uid", c.peer.uid(), "client", hello.client());
        out.reply(c, replyType, requestId, false, new Reply.Welcome(Limits.VERSION, 0L, daemonPid, Limits.MAX_FRAME,
                Limits.MAX_NAME_BYTES, Limits.MAX_METADATA, Limits.MAX_FDS_PER_FRAME), List.of());
    }

    private Reply save(Connection c, Request.Save save, Fd fd) throws Refusal {
        if (!save.name().isEmpty()) {
            String why = Names.whyInvalid(save.name()).orElse(null);
            if (why != null) throw new Refusal(Errno.EINVAL, why);
        }
        FdDescription description;
        try {
            description = fd.describe();
        } catch (LinuxException e) {
            throw new Refusal(e.errno(), "cannot describe the fd that came with SAVE: " + e.getMessage());
        }
        Entry entry = registry.add(fd, description, save.name(), save.metadata(), c.peer, clock.millis());
        logOk(c, "save", entry);
        return new Reply.Saved(entry.id());
    }

    private void list(Connection c, int replyType, long requestId, ReplySink out) {
        List<EntryInfo> entries = registry.entries(e -> Access.reaches(c.peer, e)).stream()
                .map(Entry::freshInfo).toList();
        List<List<EntryInfo>> chunks = ReplyCodec.chunkForList(entries);
        for (int i = 0; i < chunks.size(); i++) {
            out.reply(c, replyType, requestId, i < chunks.size() - 1, new Reply.Listed(chunks.get(i)), List.of());
        }
        log.log("list", "conn", c.token, "pid", c.peer.pid(), "uid", c.peer.uid(), "entries", entries.size(),
                "result", "ok");
    }

    private static void checkFdCount(Request request, List<Fd> fds) throws Refusal {
        int wanted = request instanceof Request.Unknown ? 0 : request.fdCount();
        if (fds.size() == wanted) return;
        String what = request instanceof Request.Unknown u ? "message type 0x" + Integer.toHexString(u.code())
                : request.type().name();
        if (wanted == 1 && fds.isEmpty()) throw new Refusal(Errno.EBADF, what + " needs exactly one fd; none came");
        throw new Refusal(Errno.EINVAL, what + " carries " + (wanted == 0 ? "no fd" : "exactly " + wanted + " fd")
                + "; " + fds.size() + " came and were closed");
    }

    private void logOk(Connection c, String operation, Entry entry) {
        log.log(operation, "conn", c.token, "pid", c.peer.pid(), "uid", c.peer.uid(), "id", entry.id(),
                "name", entry.name().isEmpty() ? null : entry.name(), "kind", entry.description().kind().label(),
                "result", "ok");
    }

    private static String operation(Request request) {
        return request instanceof Request.Unknown ? "unknown" : request.type().name().toLowerCase();
    }

    private static void closeAll(List<Fd> fds) {
        fds.forEach(Fd::close);
    }
}
