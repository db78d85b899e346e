package org.fdstore.client;

import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fd;
import org.fdstore.linux.JdkFiles;
import org.fdstore.protocol.DaemonStatus;
import org.fdstore.protocol.DropTarget;
import org.fdstore.protocol.EntryInfo;
import org.fdstore.protocol.InspectInfo;
import org.fdstore.protocol.Limits;
import org.fdstore.protocol.Reply;
import org.fdstore.protocol.Request;
import org.fdstore.protocol.RequestCodec;
import org.fdstore.protocol.Selector;
import org.fdstore.protocol.SocketPath;

/**
 * A connection to the fdstore daemon: save open file descriptors in it, and restore, take, remove, list, inspect and
 * drop them.
 *
 * <p><b>Names and namespaces.</b> Every entry lives in a namespace. A name is {@code namespace/name}, or a bare name
 * in this peer's default namespace ({@link #defaultNamespace()}; {@code uid.UID} unless the daemon's policy says
 * otherwise). Ids are global. What this peer may do in each namespace is the daemon's policy, decided from the
 * kernel's credentials of this process: an entry out of reach is refused as missing (ENOENT), one in reach but not
 * granted with EACCES, a save over a quota with EDQUOT.
 *
 * <p>{@link #connect} sends the protocol's HELLO and returns without waiting for the daemon's answer: that answer
 * is read just before the reply to the first request, so connecting and the first request cost one round trip
 * together. Hence a daemon that refuses this client's protocol version is noticed by the first request (or by
 * {@link #daemonPid()}), which then fails and closes the connection.
 *
 * <p><b>Descriptors.</b> Saving never takes ownership: the caller still closes the fd it saved, and the daemon holds
 * its own reference to the open file description from the moment the request is sent. Every fd returned by a
 * restore or take is a new close-on-exec descriptor that the caller owns and closes.
 *
 * <p><b>Upgrades and crashes.</b> The daemon survives its own upgrade and death (docs/operations.md), and so does
 * this connection. When the daemon sends GOAWAY (it hands over to a successor, or shuts down) or the connection
 * ends (the serving process died and its standby took over), the store reconnects to the same socket path,
 * retrying for up to 10 s while nothing listens there, and resends the requests that have no reply, in order, so
 * pipelined replies still match their requests:
 * <ul>
 *   <li>after a GOAWAY, every one of them, whatever its type: the daemon carried out none of them. The caller sees
 *       nothing.</li>
 *   <li>after the connection ended without GOAWAY (a crash), only those safe to repeat: restore, list, inspect,
 *       status, the bulk restore and the fast-path index (and HELLO). A save, bulk save, remove, take or drop that
 *       was sent fails with an FdStoreException whose errno
 *       is ECONNRESET and whose {@link FdStoreException#outcomeUnknown()} holds: it may or may not have happened,
 *       and {@link #list()} tells.</li>
 * </ul>
 * A save's fd must stay valid until its request is answered, so that it can be resent: the blocking saves use the
 * caller's fd during the call, and {@link #saveAsync} keeps a duplicate until its future completes.
 *
 * <p><b>Errors.</b> Every operation throws {@link FdStoreException}. When the daemon refuses a request
 * ({@link FdStoreException#refusedByDaemon()}, e.g. ENOENT for an unknown id), the connection stays usable. When
 * the connection breaks for good (no daemon answers on the path within 10 s: ECONNRESET; a malformed or unexpected
 * reply: EPROTO; a failed system call: its errno), it is closed, and every later call fails with ENOTCONN. Any fds
 * that arrive with a reply that should not carry them are closed.
 *
 * <p><b>Threads.</b> Thread safe. Requests from several threads share the connection and are served one at a time.
 * {@link #close()} from another thread wakes a call blocked on the daemon, which then fails with ENOTCONN.
 */
public final class FdStore implements AutoCloseable {
    private final Connection connection;
    /** Guards the fast-path fields; never held across a request to the daemon but FASTPATH. */
    private final Object fastPathLock = new Object();
    /** The fast-path index of this connection once granted; null before the first {@link #restoreFast}. */
    private volatile FastPathClient fastPath;
    /** The {@link Connection#generation()} (daemon process) {@link #fastPath} came from. */
    private volatile long fastPathGeneration;
    /**
     * The generation in which the daemon refused the fast path or this process may not copy its fds: ask no more
     * until the connection moves to another daemon process; -1 for none.
     */
    private volatile long fastPathDeniedIn = -1;

    private FdStore(Connection connection) {
        this.connection = connection;
    }

    /**
     * Connects to the daemon at {@code $FDSTORE_SOCKET}, else at this user's default socket (see
     * {@link SocketPath}), checks that it runs as root, as this process's uid or as the uid in
     * {@code $FDSTORE_DAEMON_UID} (see {@link TrustedUids}), and sends HELLO.
     *
     * @throws FdStoreException with connect(2)'s errno, e.g. {@code cannot connect to /run/fdstore/fdstore.sock:
     *     ENOENT (No such file or directory); is the daemon running? start it with: bin/fdstore daemon}; EPERM if
     *     the daemon runs as another uid ({@code daemon at PATH runs as uid 1001, expected 0 or 1000 ...}), before
     *     anything was sent to it; EINVAL if {@code $FDSTORE_DAEMON_UID} holds no uid
     */
    public static FdStore connect() throws FdStoreException {
        return connect(null);
    }

    /**
     * Connects to the daemon at {@code socketPath} and sends HELLO, after the check of {@link #connect()}.
     *
     * @param socketPath an AF_UNIX path, or {@code @name} in the abstract namespace; null or empty resolves as
     *     {@link #connect()} does
     * @throws FdStoreException as {@link #connect()}
     */
    public static FdStore connect(String socketPath) throws FdStoreException {
        return connect(socketPath, TrustedUids.NONE);
    }

    /**
     * Connects to the daemon at {@code socketPath}, trusting a daemon that runs as {@code daemonUid} besides root and
     * this process's uid (in place of {@code $FDSTORE_DAEMON_UID}), and sends HELLO. Every reconnect after the
     * daemon's upgrade or failover checks the same; so does {@link #restoreFast} of the process it copies from.
     *
     * @param socketPath as in {@link #connect(String)}
     * @param daemonUid the further uid to trust, or {@link TrustedUids#NONE} for that of {@code $FDSTORE_DAEMON_UID}
     * @throws FdStoreException as {@link #connect()}
     */
    public static FdStore connect(String socketPath, int daemonUid) throws FdStoreException {
        return connect(socketPath, Connection.DEFAULT_RECONNECT_WINDOW, daemonUid);
    }

    /** {@link #connect(String)} retrying a reconnect for {@code reconnectWindow}; for tests of a daemon that is gone. */
    static FdStore connect(String socketPath, java.time.Duration reconnectWindow) throws FdStoreException {
        return connect(socketPath, reconnectWindow, TrustedUids.NONE);
    }

    private static FdStore connect(String socketPath, java.time.Duration reconnectWindow, int daemonUid)
            throws FdStoreException {
        return new FdStore(Connection.open(SocketPath.resolve(socketPath), reconnectWindow,
                TrustedUids.forThisProcess(daemonUid)));
    }

    /** The socket path this store is connected to. */
    public String socketPath() {
        return connection.path();
    }

    /**
     * The daemon's process id, from its HELLO reply (read now if no request has read it yet).
     *
     * @throws FdStoreException if the connection is closed or broke, or the daemon refused our protocol version
     */
    public int daemonPid() throws FdStoreException {
        return connection.welcome().daemonPid();
    }

    /**
     * This peer's default namespace, where its unqualified names live, from the daemon's HELLO reply (read now if no
     * request has read it yet); {@code ""} from a daemon without namespaces.
     *
     * @throws FdStoreException if the connection is closed or broke, or the daemon refused our protocol version
     */
    public String defaultNamespace() throws FdStoreException {
        return connection.welcome().namespace();
    }

    /**
     * Saves an unnamed entry for {@code fd}.
     *
     * @see #save(Fd, String, byte[])
     */
    public long save(Fd fd) throws FdStoreException {
        return save(fd, null, null);
    }

    /**
     * Saves {@code fd} under {@code name}.
     *
     * @see #save(Fd, String, byte[])
     */
    public long save(Fd fd, String name) throws FdStoreException {
        return save(fd, name, null);
    }

    /**
     * Saves {@code fd}: the daemon keeps a reference to its open file description until the entry is removed or
     * taken. The caller keeps ownership of {@code fd} and may close it as soon as this returns.
     *
     * @param name a unique name for the entry (1 to 255 bytes of UTF-8, no control characters, not only digits),
     *     or null for an unnamed entry
     * @param metadata up to 64 KiB kept with the entry, or null for none
     * @return the new entry's id
     * @throws FdStoreException refused: EEXIST if the name is taken, EINVAL for an invalid name, ENOSPC if the
     *     store is full; EBADF if {@code fd} is closed here; or a broken connection
     * @throws IllegalArgumentException if {@code metadata} exceeds 64 KiB, or the name holds an unpaired surrogate
     */
    public long save(Fd fd, String name, byte[] metadata) throws FdStoreException {
        return save(fd, name, metadata, SaveOptions.DEFAULT);
    }

    /**
     * Saves {@code fd} with a namespace and lifetime: see {@link SaveOptions}. Otherwise as
     * {@link #save(Fd, String, byte[])}.
     *
     * @param name a name, bare or {@code namespace/name}, or null for an unnamed entry
     * @throws FdStoreException refused as {@link #save(Fd, String, byte[])}, and EACCES if this peer may not save
     *     in the namespace, EDQUOT over a quota, EINVAL for a bad namespace or a name qualified with another one
     */
    public long save(Fd fd, String name, byte[] metadata, SaveOptions options) throws FdStoreException {
        if (!fd.isOpen()) throw new FdStoreException(Errno.EBADF, "cannot save " + fd + ": it is closed");
        return single(connection.exchange(saveRequest(name, metadata, options), fd), Reply.Saved.class).id();
    }

    private static Request.Save saveRequest(String name, byte[] metadata, SaveOptions options) {
        return new Request.Save(name == null ? "" : name, metadata == null ? new byte[0] : metadata,
                options.namespace() == null ? "" : options.namespace(), options.lifetime());
    }

    /**
     * Saves {@code fd} without waiting for the daemon's reply: the call costs a dup and one sendmsg. Once it
     * returns, the kernel holds the frame and a reference to the open file, so the save happens even if this
     * process dies the next instant, and the caller may close {@code fd} at once: the store keeps a duplicate until
     * the reply, to resend the save if the daemon hands over meanwhile. The future completes with the id when the reply is
     * read: by a later call on this store, or by {@link #awaitSubmitted()}. Replies are taken in order, so after
     * {@code awaitSubmitted()} every earlier save has its id.
     *
     * @param name as in {@link #save(Fd, String, byte[])}, or null
     * @param metadata as in {@link #save(Fd, String, byte[])}, or null
     * @return completes with the new id, or exceptionally with the daemon's refusal (FdStoreException)
     * @throws FdStoreException EBADF if {@code fd} is closed; ENOTCONN if the connection is closed
     */
    public CompletableFuture<Long> saveAsync(Fd fd, String name, byte[] metadata) throws FdStoreException {
        return saveAsync(fd, name, metadata, SaveOptions.DEFAULT);
    }

    /**
     * {@link #saveAsync(Fd, String, byte[])} with a namespace and lifetime: see {@link SaveOptions}.
     *
     * @throws FdStoreException EBADF if {@code fd} is closed; ENOTCONN if the connection is closed
     */
    public CompletableFuture<Long> saveAsync(Fd fd, String name, byte[] metadata, SaveOptions options)
            throws FdStoreException {
        if (!fd.isOpen()) throw new FdStoreException(Errno.EBADF, "cannot save " + fd + ": it is closed");
        return connection.submit(saveRequest(name, metadata, options), fd)
                .thenApply(frames -> ((Reply.Saved) frames.getFirst().reply()).id());
    }

    /**
     * Removes an entry without waiting for the reply; like {@link #saveAsync}, the removal happens once this
     * returns, and requests sent on this store are carried out in order.
     *
     * @return completes with the removed id, or exceptionally with the daemon's refusal (FdStoreException)
     * @throws FdStoreException ENOTCONN if the connection is closed
     */
    public CompletableFuture<Long> removeAsync(Selector selector) throws FdStoreException {
        return connection.submit(new Request.Remove(selector), null)
                .thenApply(frames -> ((Reply.Removed) frames.getFirst().reply()).id());
    }

    /**
     * Restores an entry without waiting, so that many restores share one round trip. The caller owns the fd of
     * each completed result and must close it; a result nobody takes is closed only with this store.
     *
     * @return completes with the entry and its new fd, or exceptionally with the daemon's refusal
     * @throws FdStoreException ENOTCONN if the connection is closed
     */
    public CompletableFuture<Restored> restoreAsync(Selector selector) throws FdStoreException {
        return connection.submit(new Request.Restore(selector), null).thenApply(frames -> {
            ReplyFrame frame = frames.getFirst();
            return new Restored(((Reply.Restored) frame.reply()).entry(), frame.fds().getFirst());
        });
    }

    /**
     * Saves many fds in one request, all or nothing: the daemon checks every item (name, namespace, rights, lifetime,
     * names unique in the store and in the batch, capacity, quotas) before it stores any, so a refused batch changes
     * nothing. Frames carry up to 253 fds each; a batch of any size is one request and one round trip. The caller
     * keeps ownership of every fd and may close them once this returns.
     *
     * @param items the fds and how to save each; an empty list returns an empty list without asking the daemon
     * @return the new ids, in the order of {@code items}
     * @throws FdStoreException refused, naming the first bad item ({@code item 7: ...}): EEXIST, EINVAL, EACCES,
     *     EDQUOT, ENOSPC as {@link #save(Fd, String, byte[], SaveOptions)}; EBADF if an fd is closed here; or a
     *     broken connection
     * @throws IllegalArgumentException if an item's metadata exceeds 64 KiB or a name holds an unpaired surrogate
     */
    public List<Long> saveAll(List<SaveItem> items) throws FdStoreException {
        if (items.isEmpty()) return List.of();
        List<Request.Save> saves = new ArrayList<>(items.size());
        for (SaveItem item : items) {
            if (!item.fd().isOpen()) {
                throw new FdStoreException(Errno.EBADF, "cannot save " + item.fd() + ": it is closed");
            }
            saves.add(saveRequest(item.name(), item.metadata(), item.options()));
        }
        List<List<Request.Save>> chunks = RequestCodec.chunkSaveMany(saves);
        List<Request.SaveMany> frames = new ArrayList<>(chunks.size());
        List<List<Fd>> fds = new ArrayList<>(chunks.size());
        int next = 0;
        for (List<Request.Save> chunk : chunks) {
            frames.add(new Request.SaveMany(chunk));
            List<Fd> frameFds = new ArrayList<>(chunk.size());
            for (int i = 0; i < chunk.size(); i++) frameFds.add(items.get(next++).fd());
            fds.add(frameFds);
        }
        List<ReplyFrame> reply = connection.exchangeMany(frames, fds);
        List<Long> ids = new ArrayList<>(items.size());
        for (ReplyFrame frame : reply) {
            frame.closeFds();
            if (!(frame.reply() instanceof Reply.SavedMany saved)) throw unexpectedReply(reply);
            ids.addAll(saved.ids());
        }
        if (ids.size() != items.size()) {
            connection.close();
            throw new FdStoreException(Errno.EPROTO, "the daemon on " + socketPath() + " answered a batch of "
                    + items.size() + " saves with " + ids.size() + " ids");
        }
        return List.copyOf(ids);
    }

    /**
     * Restores every entry of {@code namespace} that this peer may restore, in one request: the reply streams up to
     * 253 fds per frame, with no cap on the total. The caller owns every returned fd and closes each (closing a
     * {@link Restored} closes its fd). An entry removed by another client while the reply is being sent may be left
     * out.
     *
     * @param namespace a namespace, or null or "" for this peer's default one
     * @return the entries and their new fds, by id
     * @throws FdStoreException refused: EACCES if this peer can see the namespace but may not restore there,
     *     EINVAL for an invalid namespace name; or a broken connection (the fds received so far are closed)
     */
    public List<Restored> restoreAll(String namespace) throws FdStoreException {
        return restoredMany(connection.exchange(new Request.RestoreNamespace(namespace == null ? "" : namespace),
                null));
    }

    /**
     * Restores the selected entries in one request, all or nothing: if one is missing, out of reach or may not be
     * restored, the request is refused and no fd is sent. The caller owns every returned fd and closes each. An entry
     * removed by another client while the reply is being sent may be left out.
     *
     * @param selectors ids and names; an empty list returns an empty list without asking the daemon
     * @return the entries and their new fds, in the order of {@code selectors}
     * @throws FdStoreException refused, naming the first bad selector ({@code selector 3: no entry with id 9}):
     *     ENOENT, EACCES; or a broken connection
     */
    public List<Restored> restoreAll(List<Selector> selectors) throws FdStoreException {
        if (selectors.isEmpty()) return List.of();
        return restoredMany(exchangeSelectors(selectors, false));
    }

    /**
     * Restores every entry of {@code namespace} that this peer may restore, as {@link #restoreAll(String)}, but with
     * only the id and name of each: for callers that need the descriptors, not what the store knows of them. The
     * daemon then sends 10 bytes and the name per entry rather than the whole entry (a daemon of an older build,
     * which cannot, sends whole entries, and this drops the rest). The caller owns every returned fd and closes each.
     *
     * @param namespace a namespace, or null or "" for this peer's default one
     * @return the entries' ids and names and their new fds, by id
     * @throws FdStoreException as {@link #restoreAll(String)}
     */
    public List<RestoredFd> restoreFds(String namespace) throws FdStoreException {
        String ns = namespace == null ? "" : namespace;
        if (!bareRestores()) return withoutEntries(restoreAll(ns));
        return restoredFds(connection.exchange(new Request.RestoreNamespace(ns, true), null));
    }

    /**
     * Restores the selected entries in one request, all or nothing, as {@link #restoreAll(List)}, but with only the
     * id and name of each (see {@link #restoreFds(String)}). The caller owns every returned fd and closes each.
     *
     * @param selectors ids and names; an empty list returns an empty list without asking the daemon
     * @return the entries' ids and names and their new fds, in the order of {@code selectors}
     * @throws FdStoreException as {@link #restoreAll(List)}
     */
    public List<RestoredFd> restoreFds(List<Selector> selectors) throws FdStoreException {
        if (selectors.isEmpty()) return List.of();
        if (!bareRestores()) return withoutEntries(restoreAll(selectors));
        return restoredFds(exchangeSelectors(selectors, true));
    }

    /** Whether the daemon agreed, in its HELLO reply, to answer RESTORE_MANY with bare entries. */
    private boolean bareRestores() throws FdStoreException {
        return (connection.welcome().features() & Limits.FEATURE_BARE_RESTORE) != 0;
    }

    private List<ReplyFrame> exchangeSelectors(List<Selector> selectors, boolean bare) throws FdStoreException {
        List<Request.RestoreSelected> frames = RequestCodec.chunkSelectors(selectors).stream()
                .map(chunk -> new Request.RestoreSelected(chunk, bare)).toList();
        return connection.exchangeMany(frames, java.util.Collections.nCopies(frames.size(), List.of()));
    }

    private static List<RestoredFd> withoutEntries(List<Restored> restored) {
        List<RestoredFd> fds = new ArrayList<>(restored.size());
        for (Restored r : restored) fds.add(new RestoredFd(r.entry().id(), r.entry().name(), r.fd()));
        return fds;
    }

    /**
     * Restores the entry with this id without a round trip when this process may ptrace the daemon (same uid, or
     * root) and the daemon grants this connection its fast-path index (to root and its admin group); otherwise, and
     * for owner-bound entries, through the socket as {@link #restore(long)}. The first call asks the daemon for the
     * index once (one round trip); if it is refused, or pidfd_getfd fails with EPERM, this connection uses the socket
     * from then on. If the daemon has exited or retired its index (an upgrade), the call falls back to the socket and
     * the next one asks again. Fast-path restores are not in the daemon's audit trail, and do not rebind an
     * owner-bound entry.
     *
     * <p>The caller owns and closes the returned fd: a new close-on-exec descriptor for the stored open file
     * description (shared offset and flags).
     *
     * @throws FdStoreException as {@link #restore(long)}, when the socket answers
     */
    public Fd restoreFast(long id) throws FdStoreException {
        FastPathClient index = fastPathIndex();
        if (index != null) {
            FastPathClient.Miss[] miss = new FastPathClient.Miss[1];
            Fd fd = index.restore(id, miss);
            if (fd != null) return fd;
            if (miss[0] == FastPathClient.Miss.DENIED || miss[0] == FastPathClient.Miss.GONE) {
                dropFastPath(index, miss[0] == FastPathClient.Miss.DENIED);
            }
        }
        return restore(id);
    }

    /**
     * Whether {@link #restoreFast} currently restores without a round trip on this connection, asking the daemon for
     * its index first if nobody has yet.
     *
     * @throws FdStoreException if asking breaks the connection
     */
    public boolean fastPathAvailable() throws FdStoreException {
        return fastPathIndex() != null;
    }

    private FastPathClient fastPathIndex() throws FdStoreException {
        long generation = connection.generation();
        FastPathClient index = fastPath;
        if (index != null && fastPathGeneration == generation) return index;
        if (index == null && fastPathDeniedIn == generation) return null;
        synchronized (fastPathLock) {
            if (fastPath != null && fastPathGeneration != generation) {
                // The connection moved to another daemon process (a handover or failover): its index is not ours.
                fastPath.close();
                fastPath = null;
            }
            if (fastPath != null || fastPathDeniedIn == generation) return fastPath;
            List<ReplyFrame> frames;
            try {
                frames = connection.exchange(new Request.FastPath(), null);
            } catch (FdStoreException e) {
                if (!e.refusedByDaemon()) throw e;
                fastPathDeniedIn = generation;
                return null;
            }
            ReplyFrame frame = frames.getFirst();
            if (frames.size() != 1 || frame.fds().size() != 1 || !(frame.reply() instanceof Reply.FastPathIndex r)) {
                frames.forEach(ReplyFrame::closeFds);
                throw unexpectedReply(frames);
            }
            try {
                fastPath = FastPathClient.open(frame.fds().getFirst(), r.daemonPid(), r.indexFd(),
                        connection.trusted());
                fastPathGeneration = generation;
            } catch (org.fdstore.linux.LinuxException e) {
                // EPERM: no ptrace rights over the daemon. Anything else: an index we cannot use. Either way the
                // socket serves this connection.
                fastPathDeniedIn = generation;
            }
            return fastPath;
        }
    }

    private void dropFastPath(FastPathClient index, boolean denied) {
        synchronized (fastPathLock) {
            if (fastPath == index) fastPath = null;
            if (denied) fastPathDeniedIn = fastPathGeneration;
        }
        index.close();
    }

    private List<Restored> restoredMany(List<ReplyFrame> frames) throws FdStoreException {
        return paired(frames, r -> r instanceof Reply.RestoredMany m ? m.entries() : null, Restored::new);
    }

    private List<RestoredFd> restoredFds(List<ReplyFrame> frames) throws FdStoreException {
        return paired(frames, r -> r instanceof Reply.RestoredBare b ? b.entries() : null,
                (entry, fd) -> new RestoredFd(entry.id(), entry.name(), fd));
    }

    /**
     * Each entry of a RESTORE_MANY reply's frames made one with the fd at its position, in order.
     *
     * @param entriesOf a frame's entries, or null for a reply of another kind: unexpected, like a frame whose entries
     *     do not match its fds one to one (the connection is then closed, and every fd received)
     */
    private <E, T> List<T> paired(List<ReplyFrame> frames, Function<Reply, List<E>> entriesOf,
                                  BiFunction<E, Fd, T> pair) throws FdStoreException {
        int count = 0;
        for (ReplyFrame frame : frames) {
            List<E> entries = entriesOf.apply(frame.reply());
            if (entries == null || entries.size() != frame.fds().size()) throw unexpectedReply(frames);
            count += entries.size();
        }
        List<T> paired = new ArrayList<>(count);
        for (ReplyFrame frame : frames) {
            List<E> entries = entriesOf.apply(frame.reply());
            for (int i = 0; i < entries.size(); i++) paired.add(pair.apply(entries.get(i), frame.fds().get(i)));
        }
        return paired;
    }

    private FdStoreException unexpectedReply(List<ReplyFrame> frames) {
        frames.forEach(ReplyFrame::closeFds);
        connection.close();
        return new FdStoreException(Errno.EPROTO, "the daemon on " + socketPath() + " sent an unexpected "
                + frames.getFirst().reply().getClass().getSimpleName() + " reply");
    }

    /**
     * Waits until every request sent by {@link #saveAsync}, {@link #removeAsync} or {@link #restoreAsync} has its
     * reply, completing their futures.
     *
     * @throws FdStoreException if the connection breaks; the pending futures then fail too
     */
    public void awaitSubmitted() throws FdStoreException {
        connection.awaitSubmitted();
    }

    /**
     * Saves the descriptor behind a JDK {@link FileDescriptor} (of a stream or a {@code RandomAccessFile}). The JDK
     * object stays open and owned by the caller; it must not be closed during the call.
     *
     * @param name as in {@link #save(Fd, String, byte[])}, or null
     * @throws FdStoreException as {@link #save(Fd, String, byte[])}
     * @throws org.fdstore.linux.LinuxException EBADF if the descriptor is not valid
     * @throws UnsupportedOperationException without {@code --add-opens java.base/java.io=ALL-UNNAMED}
     */
    public long save(FileDescriptor descriptor, String name) throws IOException {
        try (Fd fd = JdkFiles.duplicate(descriptor)) {
            return save(fd, name, null);
        }
    }

    /**
     * Saves the descriptor behind a {@link FileChannel} of the default file system. The channel stays open and
     * owned by the caller; it must not be closed during the call.
     *
     * @param name as in {@link #save(Fd, String, byte[])}, or null
     * @throws FdStoreException as {@link #save(Fd, String, byte[])}
     * @throws org.fdstore.linux.LinuxException EBADF if the channel is closed
     * @throws IllegalArgumentException if the channel is not backed by a descriptor of this process
     * @throws UnsupportedOperationException without {@code --add-opens} of {@code java.base/java.io} and
     *     {@code java.base/sun.nio.ch} to ALL-UNNAMED
     */
    public long save(FileChannel channel, String name) throws IOException {
        try (Fd fd = JdkFiles.duplicate(channel)) {
            return save(fd, name, null);
        }
    }

    /**
     * A new descriptor for the entry with this id; the entry stays. The caller owns and closes the returned fd.
     *
     * @throws FdStoreException refused: ENOENT if there is no such entry; or a broken connection
     */
    public Fd restore(long id) throws FdStoreException {
        return restore(new Selector.ById(id)).fd();
    }

    /**
     * A new descriptor for the entry with this name; the entry stays. The caller owns and closes the returned fd.
     *
     * @throws FdStoreException refused: ENOENT if there is no such entry; or a broken connection
     */
    public Fd restore(String name) throws FdStoreException {
        return restore(new Selector.ByName(name)).fd();
    }

    /**
     * A new descriptor for the selected entry, with what the store knows about it; the entry stays. The caller
     * owns and closes the returned fd. The descriptor shares the stored open file description: file offset and
     * status flags are common to every holder.
     *
     * @param selector an id or a name; {@link Selector#parse} reads a command-line word
     * @throws FdStoreException refused: ENOENT if there is no such entry; EPROTO if the reply does not carry
     *     exactly one fd; or a broken connection
     */
    public Restored restore(Selector selector) throws FdStoreException {
        return restored(connection.exchange(new Request.Restore(selector), null));
    }

    /**
     * Restores the selected entry as a {@link FileChannel}, readable and writable as the stored access mode
     * allows. The caller owns and closes the channel, which closes the descriptor.
     *
     * @throws FdStoreException as {@link #restore(Selector)}
     * @throws org.fdstore.linux.LinuxException if the descriptor cannot be described (fstat, readlink)
     * @throws UnsupportedOperationException without the JVM options that {@link JdkFiles} names; the restored
     *     descriptor is closed then
     */
    public FileChannel restoreChannel(Selector selector) throws IOException {
        Restored restored = restore(selector);
        try {
            return JdkFiles.toFileChannel(restored.fd());
        } catch (IOException | RuntimeException e) {
            restored.close();
            throw e;
        }
    }

    /**
     * Restores the selected entry as a {@link FileDescriptor}. The caller owns it: a stream or channel built on it
     * closes the descriptor.
     *
     * @throws FdStoreException as {@link #restore(Selector)}
     * @throws UnsupportedOperationException without {@code --add-opens java.base/java.io=ALL-UNNAMED}; the
     *     restored descriptor is closed then
     */
    public FileDescriptor restoreFileDescriptor(Selector selector) throws IOException {
        Restored restored = restore(selector);
        try {
            return JdkFiles.toFileDescriptor(restored.fd());
        } catch (IOException | RuntimeException e) {
            restored.close();
            throw e;
        }
    }

    /**
     * Takes the entry with this id: returns its descriptor and removes the entry, atomically. The caller owns and
     * closes the returned fd.
     *
     * @throws FdStoreException as {@link #take(Selector)}
     */
    public Fd take(long id) throws FdStoreException {
        return take(new Selector.ById(id)).fd();
    }

    /**
     * Takes the entry with this name: returns its descriptor and removes the entry, atomically. The caller owns
     * and closes the returned fd.
     *
     * @throws FdStoreException as {@link #take(Selector)}
     */
    public Fd take(String name) throws FdStoreException {
        return take(new Selector.ByName(name)).fd();
    }

    /**
     * Takes the selected entry: returns its descriptor and what the store knew about it, and removes the entry,
     * atomically. The caller owns and closes the returned fd.
     *
     * @throws FdStoreException refused: ENOENT if there is no such entry; EPROTO if the reply does not carry
     *     exactly one fd; or a broken connection
     */
    public Restored take(Selector selector) throws FdStoreException {
        return restored(connection.exchange(new Request.Take(selector), null));
    }

    /**
     * Removes the entry with this id; the daemon closes its reference.
     *
     * @return the removed id
     * @throws FdStoreException as {@link #remove(Selector)}
     */
    public long remove(long id) throws FdStoreException {
        return remove(new Selector.ById(id));
    }

    /**
     * Removes the entry with this name; the daemon closes its reference.
     *
     * @return the removed entry's id
     * @throws FdStoreException as {@link #remove(Selector)}
     */
    public long remove(String name) throws FdStoreException {
        return remove(new Selector.ByName(name));
    }

    /**
     * Removes the selected entry; the daemon closes its reference. Descriptors restored earlier stay open.
     *
     * @return the removed entry's id
     * @throws FdStoreException refused: ENOENT if there is no such entry; or a broken connection
     */
    public long remove(Selector selector) throws FdStoreException {
        return single(connection.exchange(new Request.Remove(selector), null), Reply.Removed.class).id();
    }

    /**
     * Describes every entry of the store, in the daemon's order, gathered from all frames of its reply.
     *
     * @return an unmodifiable list
     * @throws FdStoreException a broken connection, or a refusal
     */
    public List<EntryInfo> list() throws FdStoreException {
        List<EntryInfo> entries = new ArrayList<>();
        List<ReplyFrame> frames = connection.exchange(new Request.ListEntries(), null);
        for (ReplyFrame frame : frames) entries.addAll(((Reply.Listed) frame.reply()).entries());
        return List.copyOf(entries);
    }

    /**
     * Describes every entry this peer may inspect, with what its fd pins (mount, device and inode, socket and peer)
     * and its lifetime, gathered from all frames of the reply.
     *
     * @return an unmodifiable list, in id order
     * @throws FdStoreException a broken connection, or a refusal
     */
    public List<InspectInfo> inspect() throws FdStoreException {
        List<InspectInfo> entries = new ArrayList<>();
        for (ReplyFrame frame : connection.exchange(new Request.Inspect(), null)) {
            entries.addAll(((Reply.Inspected) frame.reply()).entries());
        }
        return List.copyOf(entries);
    }

    /**
     * Closes every entry {@code target} matches among those this peer can reach, e.g. all entries pinning a mount
     * so that it can be unmounted.
     *
     * @return how many entries were closed
     * @throws FdStoreException refused: EACCES if a matching entry is in reach but this peer may not drop it
     *     (nothing is dropped then); ENOENT for an id that is missing or out of reach; EINVAL for a path that is no
     *     mount point in the daemon's mount namespace; or a broken connection
     */
    public int drop(DropTarget target) throws FdStoreException {
        return single(connection.exchange(new Request.Drop(target), null), Reply.Dropped.class).count();
    }

    /**
     * What the daemon says about itself: which process serves and which stands by, entry and fd counts, and the last
     * handover or failover. {@link DaemonStatus#fields()} holds every pair in the daemon's order, including keys
     * this client does not know.
     *
     * @throws FdStoreException a broken connection, or a refusal (ENOSYS from a daemon without STATUS)
     */
    public DaemonStatus status() throws FdStoreException {
        return single(connection.exchange(new Request.Status(), null), Reply.Reported.class).status();
    }

    /**
     * The daemon's metrics in the Prometheus text format 0.0.4, as its {@code /metrics} endpoint serves them,
     * gathered from all frames of the reply.
     *
     * @throws FdStoreException a broken connection, or a refusal (EACCES for a peer that may not read them, see
     *     docs/security.md; ENOSYS from a daemon without METRICS)
     */
    public String metrics() throws FdStoreException {
        StringBuilder text = new StringBuilder();
        for (ReplyFrame frame : connection.exchange(new Request.Metrics(), null)) {
            text.append(((Reply.Metrics) frame.reply()).text());
        }
        return text.toString();
    }

    /**
     * Replaces the metric lines this connection shows on the daemon's metrics; they last until the next call, the
     * connection's end, or a reconnect. The daemon adds a label {@code uid} with the caller's uid.
     *
     * @param text lines {@code fdstore_fuse_NAME{label="value",...} VALUE}, each ending in a newline (docs/protocol.md)
     * @return how many lines the daemon now shows
     * @throws FdStoreException a broken connection, or a refusal (EINVAL naming a bad line or too many; ENOSYS from
     *     a daemon without PUBLISH_METRICS)
     * @throws IllegalArgumentException if {@code text} is over {@link Request.PublishMetrics#MAX_TEXT_BYTES} bytes
     */
    public int publishMetrics(String text) throws FdStoreException {
        return single(connection.exchange(new Request.PublishMetrics(text), null), Reply.Published.class).series();
    }

    /**
     * Closes the connection. Entries stay in the store; descriptors restored earlier stay open. Harmless when
     * repeated.
     */
    @Override
    public void close() {
        connection.close();
        synchronized (fastPathLock) {
            if (fastPath != null) fastPath.close();
            fastPath = null;
        }
    }

    private Restored restored(List<ReplyFrame> frames) throws FdStoreException {
        ReplyFrame frame = frames.getFirst();
        if (frames.size() != 1 || frame.fds().size() != 1 || !(frame.reply() instanceof Reply.Restored r)) {
            frames.forEach(ReplyFrame::closeFds);
            connection.close();
            throw new FdStoreException(Errno.EPROTO, "the daemon on " + socketPath() + " sent "
                    + frame.fds().size() + " fds with a reply that carries exactly 1");
        }
        return new Restored(r.entry(), frame.fds().getFirst());
    }

    private <T extends Reply> T single(List<ReplyFrame> frames, Class<T> type) throws FdStoreException {
        frames.forEach(ReplyFrame::closeFds);
        if (frames.size() != 1 || !type.isInstance(frames.getFirst().reply())) {
            connection.close();
            throw new FdStoreException(Errno.EPROTO, "the daemon on " + socketPath() + " sent an unexpected "
                    + frames.getFirst().reply().getClass().getSimpleName() + " reply");
        }
        return type.cast(frames.getFirst().reply());
    }
}
