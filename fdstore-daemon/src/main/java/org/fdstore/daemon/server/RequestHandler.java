package org.fdstore.daemon.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.fdstore.daemon.observe.EventLog;
import org.fdstore.daemon.observe.Inspector;
import org.fdstore.daemon.observe.MetricFamily;
import org.fdstore.daemon.observe.MetricsText;
import org.fdstore.daemon.observe.PublishedMetrics;
import org.fdstore.daemon.observe.MountTable;
import org.fdstore.daemon.policy.Policy;
import org.fdstore.daemon.policy.Right;
import org.fdstore.daemon.registry.Entry;
import org.fdstore.daemon.registry.Refusal;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FdDescription;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Pidfd;
import org.fdstore.linux.Resource;
import org.fdstore.protocol.DaemonStatus;
import org.fdstore.protocol.DecodedRequest;
import org.fdstore.protocol.DropTarget;
import org.fdstore.protocol.EntryInfo;
import org.fdstore.protocol.InspectInfo;
import org.fdstore.protocol.Limits;
import org.fdstore.protocol.Names;
import org.fdstore.protocol.QualifiedName;
import org.fdstore.protocol.Reply;
import org.fdstore.protocol.ReplyCodec;
import org.fdstore.protocol.Request;
import org.fdstore.protocol.Selector;

/**
 * Carries out one well-formed request against the store and answers it. Every request gets exactly one reply
 * (LIST and INSPECT: one reply in several frames), every fd that came with it is either stored or closed, and a
 * refused request changes nothing.
 *
 * <p>Authorisation: an entry in a namespace where the peer holds no right is out of its reach and answers exactly
 * as a missing one (ENOENT, same message); an entry it can reach but may not act on is refused with EACCES, as is a
 * SAVE into a namespace where it may not save.
 *
 * <p>Not thread safe: called by the event loop only.
 */
final class RequestHandler {
    /** How long a DROP waits for its fds to close on closer threads before it answers anyway. */
    private static final long DROP_CLOSE_WAIT_MILLIS = 100;
    private final Store store;
    private final EventLog log;
    private final int daemonPid;
    private final BulkRequests bulk;
    /** The store's metrics now, as the loop sees it. */
    private final Supplier<List<MetricFamily>> metrics;
    private final java.time.Instant startedAt = java.time.Instant.now();
    /** Every open connection, a view the loop keeps current: what they published counts toward one limit. */
    private final java.util.Collection<Connection> connections;

    RequestHandler(Store store, EventLog log, int daemonPid, Supplier<List<MetricFamily>> metrics,
                   java.util.Collection<Connection> connections) {
        this.store = store;
        this.connections = connections;
        this.metrics = metrics;
        this.log = log;
        this.daemonPid = daemonPid;
        this.bulk = new BulkRequests(this, store);
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
        String interruption = bulk.interruption(c, frame);
        if (interruption != null) {
            closeAll(fds);
            out.reject(c, replyType, requestId, Reply.Failure.of(Errno.EPROTO, interruption));
            return;
        }
        try {
            checkFdCount(request, fds);
            Reply reply = switch (request) {
                case Request.Save save -> save(c, save, fds.getFirst());
                case Request.Restore restore -> {
                    Entry entry = find(c, restore.selector(), Right.RESTORE);
                    String rebound = claimInGrace(c, entry);
                    audit(c, "restore", entry, "rebound_to", rebound);
                    out.reply(c, replyType, requestId, false, new Reply.Restored(entry.info()), List.of(entry.fd()));
                    yield null;
                }
                case Request.Take take -> {
                    Entry entry = find(c, take.selector(), Right.TAKE);
                    audit(c, "take", entry);
                    out.reply(c, replyType, requestId, false, new Reply.Restored(entry.info()), List.of(entry.fd()));
                    store.release(entry);
                    yield null;
                }
                case Request.Remove remove -> {
                    Entry entry = find(c, remove.selector(), Right.REMOVE);
                    store.release(entry);
                    audit(c, "remove", entry);
                    yield new Reply.Removed(entry.id());
                }
                case Request.ListEntries list -> {
                    list(c, replyType, requestId, out);
                    yield null;
                }
                case Request.Inspect inspect -> {
                    inspect(c, replyType, requestId, out);
                    yield null;
                }
                case Request.Drop drop -> drop(c, drop.target());
                case Request.SaveMany many -> {
                    bulk.saveMany(c, frame.header(), many, fds, out);
                    yield null;
                }
                case Request.RestoreSelected selected -> {
                    bulk.restoreSelected(c, frame.header(), selected, out);
                    yield null;
                }
                case Request.RestoreNamespace namespace -> {
                    bulk.restoreNamespace(c, requestId, namespace, out);
                    yield null;
                }
                case Request.FastPath fastPath -> {
                    fastPath(c, replyType, requestId, out);
                    yield null;
                }
                case Request.Status status -> new Reply.Reported(status());
                case Request.Metrics metrics -> {
                    metrics(c, replyType, requestId, out);
                    yield null;
                }
                case Request.PublishMetrics publish -> publish(c, publish);
                case Request.Unknown unknown -> throw new Refusal(Errno.ENOSYS,
                        "message type 0x" + Integer.toHexString(unknown.code()) + " is not defined in version " + c.version);
                case Request.Hello hello -> throw new IllegalStateException("HELLO is answered above");
            };
            if (reply != null) out.reply(c, replyType, requestId, false, reply, List.of());
        } catch (Refusal refusal) {
            closeAll(fds);
            Object[] line = {"conn", c.token, "pid", c.peer.pid(), "uid", Integer.toUnsignedString(c.peer.uid()),
                "object", object(request), "result", refusal.errno().name(), "reason", refusal.getMessage()};
            if (refusal.errno() == Errno.ENOENT) store.audit.miss(c.peer.uid(), operation(request), line);
            else store.audit.refusal(c.peer.uid(), operation(request), line);
            out.reply(c, replyType, requestId, false, Reply.Failure.of(refusal.errno(), refusal.getMessage()), List.of());
        }
    }

    /** What STATUS answers: this process, the store's counts, and what the continuity layer adds. */
    private DaemonStatus status() {
        String version = RequestHandler.class.getPackage().getImplementationVersion();
        DaemonStatus.Builder b = DaemonStatus.builder().servingPid(daemonPid)
                .counts(store.registry.size(), StoreMetrics.openFds(), StoreMetrics.fdLimit(), store.registry.capacity())
                .startedAt(startedAt).version(version == null ? "dev" : version);
        store.replication.describe(b);
        store.statusSources.forEach(source -> source.accept(b));
        return b.build();
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
        String namespace = c.access.defaultNamespace(store.policy());
        log.debug("hello", "conn", c.token, "pid", c.peer.pid(), "uid", Integer.toUnsignedString(c.peer.uid()),
                "client", hello.client(), "namespace", namespace);
        long features = hello.features() & Limits.FEATURE_BARE_RESTORE;
        out.reply(c, replyType, requestId, false, new Reply.Welcome(Limits.VERSION, features, daemonPid,
                Limits.MAX_FRAME, Limits.MAX_NAME_BYTES, Limits.MAX_METADATA, Limits.MAX_FDS_PER_FRAME,
                Names.whyInvalidNamespace(namespace).isEmpty() ? namespace : ""), List.of());
    }

    private Reply save(Connection c, Request.Save save, Fd fd) throws Refusal {
        PreparedSave prepared = prepare(c, save, fd);
        Entry entry = store.add(c, prepared);
        audit(c, "save", entry, "lifetime", entry.lifetime());
        return new Reply.Saved(entry.id());
    }

    /**
     * Checks a SAVE (or one SAVE_MANY item) against everything but the store's state: name, namespace, lifetime,
     * the right to save there. Any valid fd is described, whatever its file ({@link Fd#describe}): a path readlink
     * cannot give, or attributes a FUSE mount refuses, are said so in the description rather than refused.
     *
     * @throws Refusal EINVAL, EACCES; EBADF for an fd already closed here
     */
    PreparedSave prepare(Connection c, Request.Save save, Fd fd) throws Refusal {
        Policy policy = store.policy();
        String namespace = save.namespace();
        String name = "";
        if (!save.name().isEmpty()) {
            QualifiedName qualified = QualifiedName.parse(save.name());
            if (qualified.isQualified()) {
                if (!namespace.isEmpty() && !namespace.equals(qualified.namespace())) {
                    throw new Refusal(Errno.EINVAL, "name \"" + save.name() + "\" is qualified with namespace \""
                            + qualified.namespace() + "\", but the request names namespace \"" + namespace + "\"");
                }
                namespace = qualified.namespace();
            }
            name = qualified.name();
            String why = Names.whyInvalid(name).orElse(null);
            if (why != null) throw new Refusal(Errno.EINVAL, why);
        }
        if (namespace.isEmpty()) namespace = c.access.defaultNamespace(policy);
        String badNamespace = Names.whyInvalidNamespace(namespace).orElse(null);
        if (badNamespace != null) throw new Refusal(Errno.EINVAL, badNamespace);
        if (save.lifetime().graceMillis() != 0 && !save.lifetime().ownerBound()) {
            throw new Refusal(Errno.EINVAL, "a grace period applies to owner-bound entries only");
        }
        if (!c.access.may(policy, Right.SAVE, namespace)) {
            throw new Refusal(Errno.EACCES, peerName(c) + " may not save in namespace \"" + namespace + "\"");
        }
        FdDescription description;
        try {
            description = fd.describe();
        } catch (LinuxException e) {
            throw new Refusal(e.errno(), "cannot describe the fd that came with SAVE: " + e.getMessage());
        }
        return new PreparedSave(fd, description, namespace, name, save.metadata(), save.lifetime());
    }

    /**
     * The entry {@code selector} names, if the peer may act on it with {@code right}.
     *
     * @throws Refusal ENOENT if it is missing or out of reach; EACCES if reachable but {@code right} is not granted
     */
    Entry find(Connection c, Selector selector, Right right) throws Refusal {
        Policy policy = store.policy();
        Entry entry = store.registry.find(selector, c.access.defaultNamespace(policy),
                e -> c.access.reaches(policy, e.namespace()));
        if (!c.access.may(policy, right, entry.namespace())) {
            throw new Refusal(Errno.EACCES, peerName(c) + " may not " + right.word() + " entries of namespace \""
                    + entry.namespace() + "\"");
        }
        return entry;
    }

    /** An owner-bound entry whose owner has exited is claimed by whoever restores it; returns the new pid or null. */
    String claimInGrace(Connection c, Entry entry) {
        if (!store.lifetimes.inGrace(entry)) return null;
        Pidfd restorer = Store.ownerOf(c);
        if (restorer == null) return null;
        int pid = restorer.pid();
        store.rebind(entry, restorer);
        return Integer.toString(pid);
    }

    private void list(Connection c, int replyType, long requestId, ReplySink out) {
        Policy policy = store.policy();
        List<EntryInfo> entries = store.registry.entries(e -> c.access.may(policy, Right.LIST, e.namespace()))
                .stream().map(Entry::freshInfo).toList();
        List<List<EntryInfo>> chunks = ReplyCodec.chunkForList(entries);
        for (int i = 0; i < chunks.size(); i++) {
            out.reply(c, replyType, requestId, i < chunks.size() - 1, new Reply.Listed(chunks.get(i)), List.of());
        }
        log.debug("list", "conn", c.token, "pid", c.peer.pid(), "uid", Integer.toUnsignedString(c.peer.uid()),
                "entries", entries.size(), "result", "ok");
    }

    private void inspect(Connection c, int replyType, long requestId, ReplySink out) {
        Policy policy = store.policy();
        Inspector inspector = new Inspector();
        List<InspectInfo> entries = store.registry.entries(e -> c.access.may(policy, Right.INSPECT, e.namespace()))
                .stream().map(e -> inspector.inspect(e, store.lifetimes.state(e))).toList();
        List<List<InspectInfo>> chunks = ReplyCodec.chunkForInspect(entries);
        for (int i = 0; i < chunks.size(); i++) {
            out.reply(c, replyType, requestId, i < chunks.size() - 1, new Reply.Inspected(chunks.get(i)), List.of());
        }
        log.debug("inspect", "conn", c.token, "pid", c.peer.pid(), "uid", Integer.toUnsignedString(c.peer.uid()),
                "entries", entries.size(), "result", "ok");
    }

    /**
     * Closes the entries {@code target} matches. Entries out of the peer's reach are not matched at all; if any
     * matched entry is reachable but the peer may not drop it, nothing is dropped (EACCES).
     */
    private Reply drop(Connection c, DropTarget target) throws Refusal {
        Policy policy = store.policy();
        List<Entry> matched = switch (target) {
            case DropTarget.Id id -> {
                Entry e = store.registry.byId(id.id());
                if (e == null || !c.access.reaches(policy, e.namespace())) {
                    throw new Refusal(Errno.ENOENT, "no entry with id " + Long.toUnsignedString(id.id()));
                }
                yield List.of(e);
            }
            case DropTarget.Uid uid -> store.registry.entries(e -> e.owner().uid() == uid.uid()
                    && c.access.reaches(policy, e.namespace()));
            case DropTarget.Namespace ns -> store.registry.entries(e -> e.namespace().equals(ns.namespace())
                    && c.access.reaches(policy, e.namespace()));
            case DropTarget.Mount mount -> {
                String path = mount.path();
                if (!path.startsWith("/")) throw new Refusal(Errno.EINVAL, "mount path \"" + path + "\" is not absolute");
                if (path.length() > 1 && path.endsWith("/")) path = path.substring(0, path.length() - 1);
                MountTable mounts = MountTable.read();
                if (!mounts.isMountPoint(path)) {
                    throw new Refusal(Errno.EINVAL, "\"" + path + "\" is not a mount point in the daemon's mount"
                            + " namespace");
                }
                Set<Integer> ids = mounts.atOrBelow(path);
                yield store.registry.entries(e -> c.access.reaches(policy, e.namespace())
                        && ids.contains(Inspector.mountId(e)));
            }
        };
        for (Entry e : matched) {
            if (!c.access.may(policy, Right.DROP, e.namespace())) {
                throw new Refusal(Errno.EACCES, peerName(c) + " may not drop entries of namespace \""
                        + e.namespace() + "\" (id " + e.id() + " matches " + target.describe() + ")");
            }
        }
        List<Entry> dropped = new ArrayList<>(matched);
        // The answer promises that the mount they pinned is free: wait (briefly, and never for a stalled mount) for
        // the fds that close on closer threads.
        boolean closed = store.releaseAndAwaitClose(dropped, DROP_CLOSE_WAIT_MILLIS);
        for (Entry e : dropped) audit(c, "drop", e, "by", target.describe());
        store.audit.record("drop_request", "conn", c.token, "pid", c.peer.pid(),
                "uid", Integer.toUnsignedString(c.peer.uid()), "target", target.describe(), "count", dropped.size(),
                "fds", closed ? "closed" : "closing", "result", "ok");
        return new Reply.Dropped(dropped.size());
    }

    /**
     * Answers FASTPATH with a read-only descriptor of the index. Only a peer that may restore every entry gets it
     * (root or the admin group): the index lists every entry, and a client that can copy descriptors out of the
     * daemon could take any of them anyway.
     */
    private void fastPath(Connection c, int replyType, long requestId, ReplySink out) throws Refusal {
        if (!store.policy().isAdmin(c.access.peer())) {
            throw new Refusal(Errno.EACCES, peerName(c) + " may not use the fast path: it serves only peers that"
                    + " may restore every entry (root or the admin group); restore through the socket");
        }
        try (Fd index = store.fastPath.readOnlyDescriptor()) {
            out.reply(c, replyType, requestId, false,
                    new Reply.FastPathIndex(daemonPid, store.fastPath.descriptorNumber()), List.of(index));
        } catch (LinuxException e) {
            throw new Refusal(e.errno(), "cannot open the fast-path index: " + e.getMessage());
        }
        log.debug("fastpath", "conn", c.token, "pid", c.peer.pid(), "uid", Integer.toUnsignedString(c.peer.uid()),
                "result", "ok");
    }

    /**
     * Answers METRICS with the text the HTTP endpoint serves, in frames of whole lines. Only root and the admin
     * group read it: it names every namespace in use and the uids that connect and store (docs/security.md).
     */
    private void metrics(Connection c, int replyType, long requestId, ReplySink out) throws Refusal {
        if (!store.policy().isAdmin(c.access.peer())) {
            throw new Refusal(Errno.EACCES, peerName(c) + " may not read the metrics: they name every namespace and"
                    + " uid in use, so only root and the admin group may; ask an administrator, or scrape the"
                    + " --metrics endpoint");
        }
        List<String> pieces = MetricsText.split(MetricsText.render(metrics.get()), Reply.Metrics.MAX_TEXT_BYTES);
        for (int i = 0; i < pieces.size(); i++) {
            out.reply(c, replyType, requestId, i < pieces.size() - 1, new Reply.Metrics(pieces.get(i)), List.of());
        }
    }

    /**
     * Replaces the lines {@code c} publishes. Only root and the admin group may publish, as only they may mount
     * (docs/security.md); the names are confined to {@code fdstore_fuse_}, and the uid label, which the daemon adds,
     * says who wrote them.
     */
    private Reply.Published publish(Connection c, Request.PublishMetrics publish) throws Refusal {
        if (!store.policy().isAdmin(c.access.peer())) {
            throw new Refusal(Errno.EACCES, peerName(c) + " may not publish metrics: only root and the admin group"
                    + " may, as only they serve FUSE mounts; run the mount as root");
        }
        List<MetricFamily.Sample> samples;
        try {
            samples = PublishedMetrics.parse(publish.text(), c.peer.uid());
        } catch (IllegalArgumentException e) {
            throw new Refusal(Errno.EINVAL, "PUBLISH_METRICS refused, nothing changed: " + e.getMessage());
        }
        int others = 0;
        for (Connection other : connections) if (other != c) others += other.published.size();
        if (others + samples.size() > PublishedMetrics.MAX_SERIES) {
            throw new Refusal(Errno.EINVAL, "PUBLISH_METRICS refused, nothing changed: " + samples.size()
                    + " lines would pass the daemon's limit of " + PublishedMetrics.MAX_SERIES + " published by all"
                    + " connections; publish fewer");
        }
        c.published = samples;
        return new Reply.Published(samples.size());
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

    /** One audit line for an operation carried out on {@code entry}. */
    void audit(Connection c, String operation, Entry entry) {
        audit(c, operation, entry, "", null);
    }

    /** One audit line for an operation carried out on {@code entry}, with one more pair unless its value is null. */
    void audit(Connection c, String operation, Entry entry, String key, Object value) {
        store.audit.entry(operation, "conn", c.token, "pid", c.peer.pid(), "uid", Integer.toUnsignedString(c.peer.uid()),
                "id", entry.id(), "namespace", entry.namespace(), "name", entry.name().isEmpty() ? null : entry.name(),
                "kind", entry.kind().label(), key, value, "result", "ok");
    }

    static String peerName(Connection c) {
        return "uid " + Integer.toUnsignedString(c.peer.uid());
    }

    /** What a refused request was about, for its audit line. */
    private static String object(Request request) {
        return switch (request) {
            case Request.Save s -> s.name().isEmpty() ? "namespace \"" + s.namespace() + "\"" : "name \"" + s.name() + "\"";
            case Request.Restore r -> r.selector().describe();
            case Request.Take t -> t.selector().describe();
            case Request.Remove r -> r.selector().describe();
            case Request.Drop d -> d.target().describe();
            default -> null;
        };
    }

    private static String operation(Request request) {
        return request instanceof Request.Unknown ? "unknown" : request.type().name().toLowerCase();
    }

    static void closeAll(List<Fd> fds) {
        Closer.closeAll(fds);
    }
}
