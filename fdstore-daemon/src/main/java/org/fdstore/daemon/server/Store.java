package org.fdstore.daemon.server;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.fdstore.daemon.fastpath.FastPathIndex;
import org.fdstore.daemon.lifetime.Expiry;
import org.fdstore.daemon.lifetime.Lifetimes;
import org.fdstore.daemon.lifetime.Watcher;
import org.fdstore.daemon.observe.AuditLog;
import org.fdstore.daemon.policy.Policy;
import org.fdstore.daemon.policy.Quotas;
import org.fdstore.daemon.registry.Entry;
import org.fdstore.daemon.registry.Refusal;
import org.fdstore.daemon.registry.Registry;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FdDescription;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.PeerCredentials;
import org.fdstore.linux.Pidfd;
import org.fdstore.protocol.DaemonStatus;
import org.fdstore.protocol.Lifetime;

/**
 * The registry with everything that must change along with it: quotas, lifetimes and the audit trail. Every entry
 * enters through {@link #add} and leaves through {@link #release}, so that counts, epoll registrations and pidfds
 * never disagree with the registry, and a stored fd always leaves the epoll set before it is closed.
 *
 * <p>Public for the daemon's other front doors (the systemd notify socket), which reach it through
 * {@link Server#store()}. Not thread safe: the event loop owns it, and those front doors run on it.
 */
public final class Store implements Lifetimes.Ender {
    final Registry registry;
    final Quotas quotas = new Quotas();
    final Lifetimes lifetimes;
    final AuditLog audit;
    /** The fast-path index: every entry not owner-bound, published after it is stored and before its fd closes. */
    final FastPathIndex fastPath;
    private final Clock clock;
    /** Add their keys to every STATUS reply, after the continuity layer's (the notify socket's state). */
    final List<Consumer<DaemonStatus.Builder>> statusSources = new ArrayList<>();
    /** Requests, expiries and transitions counted so far, by this process and those that served before. */
    final org.fdstore.daemon.observe.Counters counters = new org.fdstore.daemon.observe.Counters();
    /** Told of every change, before the change is acknowledged. */
    Replication replication = Replication.NONE;
    /** The policy in force; replaced whole on reload. */
    private Policy policy;

    Store(Registry registry, Policy policy, AuditLog audit, Clock clock, Watcher watcher, FastPathIndex fastPath) {
        this.registry = registry;
        this.fastPath = fastPath;
        this.policy = policy;
        this.audit = audit;
        this.clock = clock;
        this.lifetimes = new Lifetimes(watcher, clock, this);
    }

    /** The policy in force. */
    public Policy policy() {
        return policy;
    }

    void policy(Policy policy) {
        this.policy = policy;
    }

    /**
     * Stores a checked SAVE for the peer of {@code c}, checking name, capacity and quotas first. On success the
     * registry owns the fd.
     *
     * @throws Refusal EEXIST, ENOSPC or EDQUOT; nothing changed, the fd is still the caller's
     */
    Entry add(Connection c, PreparedSave save) throws Refusal {
        return addAll(c, List.of(save)).getFirst();
    }

    /**
     * Stores a batch of checked saves for the peer of {@code c}, all or nothing: names (against the store and
     * within the batch), capacity and quotas are checked for the whole batch before anything is stored. On success
     * the registry owns every fd.
     *
     * @return the new entries, in the batch's order
     * @throws Refusal EEXIST, ENOSPC or EDQUOT naming the first item that failed; nothing changed, the fds are
     *     still the caller's
     */
    List<Entry> addAll(Connection c, List<PreparedSave> batch) throws Refusal {
        return store(c.peer, batch, false, () -> ownerOf(c));
    }

    /**
     * Stores {@code fd} under a name other entries may share (systemd's FDSTORE=1), for {@code sender}, checking
     * capacity and quotas first. On success the registry owns the fd.
     *
     * @param lifetime must not be owner-bound: a datagram's sender has no connection to watch
     * @throws Refusal ENOSPC or EDQUOT; nothing changed, the fd is still the caller's
     */
    public Entry addShared(PeerCredentials sender, Fd fd, FdDescription description, String namespace, String name,
                           Lifetime lifetime) throws Refusal {
        if (lifetime.ownerBound()) throw new IllegalArgumentException("a shared-name entry cannot be owner-bound");
        PreparedSave save = new PreparedSave(fd, description, namespace, name, new byte[0], lifetime);
        return store(sender, List.of(save), true, () -> null).getFirst();
    }

    /** Every entry named {@code namespace/name}, by id. */
    public List<Entry> named(String namespace, String name) {
        return registry.allNamed(namespace, name);
    }

    /** The audit trail. */
    public AuditLog audit() {
        return audit;
    }

    private List<Entry> store(PeerCredentials peer, List<PreparedSave> batch, boolean sharedName,
                              Supplier<Pidfd> owner) throws Refusal {
        int needed = 0;
        Set<String> names = batch.size() > 1 ? new HashSet<>() : Set.of();
        for (int i = 0; i < batch.size(); i++) {
            PreparedSave save = batch.get(i);
            if (!save.name().isEmpty() && !sharedName) {
                Entry existing = registry.named(save.namespace(), save.name());
                if (existing != null) {
                    throw new Refusal(Errno.EEXIST, item(batch, i) + "an entry named \"" + save.name()
                            + "\" exists already in namespace \"" + save.namespace() + "\" (id " + existing.id() + ")");
                }
                if (batch.size() > 1 && !names.add(save.namespace() + "/" + save.name())) {
                    throw new Refusal(Errno.EEXIST, item(batch, i) + "the name \"" + save.name()
                            + "\" appears twice in the batch for namespace \"" + save.namespace() + "\"");
                }
            }
            needed += save.lifetime().ownerBound() ? 2 : 1;
        }
        if (registry.size() + lifetimes.ownerFds() + needed > registry.capacity()) {
            throw new Refusal(Errno.ENOSPC, "the store is full: " + registry.capacity()
                    + " descriptors (entries and owner watches); " + (batch.size() > 1 ? "this batch needs "
                    + needed + " and " : "") + "remove some first");
        }
        int charged = 0;
        try {
            for (; charged < batch.size(); charged++) {
                PreparedSave save = batch.get(charged);
                quotas.check(policy, peer.uid(), save.namespace(), save.metadata().length);
                quotas.charge(peer.uid(), save.namespace(), save.metadata().length);
            }
        } catch (Refusal r) {
            for (int i = 0; i < charged; i++) {
                quotas.credit(peer.uid(), batch.get(i).namespace(), batch.get(i).metadata().length);
            }
            throw new Refusal(r.errno(), item(batch, charged) + r.getMessage());
        }
        long now = clock.millis();
        List<Entry> entries = new ArrayList<>(batch.size());
        for (PreparedSave save : batch) {
            Entry entry = registry.add(save.fd(), save.description(), save.namespace(), save.name(),
                    save.metadata(), peer, now, save.lifetime(), sharedName);
            lifetimes.track(entry, save.lifetime().ownerBound() ? owner.get() : null);
            replication.added(entry, lifetimes.owner(entry));
            // Owner-bound entries stay off the index: a restore in their grace must rebind them, which only the
            // socket path does.
            if (!save.lifetime().ownerBound()) fastPath.publish(entry.id(), entry.fd());
            entries.add(entry);
        }
        return entries;
    }

    /** "item 7: " for a batch, "" for a single save, to prefix a refusal's message. */
    private static String item(List<PreparedSave> batch, int index) {
        return batch.size() > 1 ? "item " + index + ": " : "";
    }

    /** A pidfd of the process that connected {@code c}, or null if it can no longer be named (it has exited). */
    static Pidfd ownerOf(Connection c) {
        try {
            return Pidfd.ofPeer(c.socket, c.peer.pid());
        } catch (LinuxException e) {
            if (e.errno() != Errno.ENOPROTOOPT) return null;
        }
        try {
            return Pidfd.open(c.peer.pid());
        } catch (LinuxException e) {
            return null;
        }
    }

    /**
     * Removes {@code entry} everywhere and closes its fd (after any reply carrying it was sent or queued), at once or
     * on a closer thread ({@link Closer}).
     */
    public void release(Entry entry) {
        unstore(entry);
        Closer.close(entry.fd());
    }

    /**
     * Releases {@code entries} and waits up to {@code millis} for their fds to be closed (see
     * {@link Closer#closeAllWithin}); returns whether they all were.
     */
    boolean releaseAndAwaitClose(List<Entry> entries, long millis) {
        List<Fd> fds = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            unstore(entry);
            fds.add(entry.fd());
        }
        return Closer.closeAllWithin(fds, millis);
    }

    private void unstore(Entry entry) {
        // Before anything may close the fd: a fast-path client racing with this sees the sequence change.
        fastPath.unpublish(entry.id());
        replication.removed(entry);
        lifetimes.forget(entry);
        if (registry.remove(entry)) quotas.credit(entry.owner().uid(), entry.namespace(), entry.metadataBytes());
    }

    /** Binds an entry in its grace to the process that restored it (see {@link Lifetimes#rebind}). */
    void rebind(Entry entry, Pidfd restorer) {
        lifetimes.rebind(entry, restorer);
        Pidfd bound = lifetimes.owner(entry);
        if (bound != null) replication.rebound(entry, bound);
    }

    /**
     * Stores an entry that moved over from another daemon under its old id, in its old lifetime state; takes
     * ownership of {@code fd} and {@code owner}. {@code description} is read from the fd when null. Quotas are charged but not checked: the entry was accepted before.
     *
     * @throws Refusal EEXIST if the id or name is taken (a corrupt stream); nothing changed, both fds closed
     */
    Entry adopt(long id, Fd fd, FdDescription description, String namespace, String name, byte[] metadata,
                PeerCredentials saver, long savedAtMillis, Lifetime lifetime, Pidfd owner, int boundPid,
                long ownerExitedAtMillis, boolean sharedName) throws Refusal {
        Entry entry;
        try {
            FdDescription d = description != null ? description : fd.describe();
            entry = registry.restore(id, fd, d, namespace, name, metadata, saver, savedAtMillis, lifetime, sharedName);
        } catch (Refusal | LinuxException e) {
            Closer.close(fd);
            if (owner != null) owner.close();
            if (e instanceof Refusal r) throw r;
            throw new Refusal(((LinuxException) e).errno(), "cannot describe entry " + id + ": " + e.getMessage());
        }
        quotas.charge(saver.uid(), namespace, metadata.length);
        lifetimes.adopt(entry, owner, boundPid, ownerExitedAtMillis);
        if (!lifetime.ownerBound()) fastPath.publish(entry.id(), entry.fd());
        return entry;
    }

    /** A lifetime ended: logs the expiry and releases the entry. */
    @Override
    public void end(Entry entry, Expiry why) {
        audit.entry("expire", "id", entry.id(), "namespace", entry.namespace(),
                "name", entry.name().isEmpty() ? null : entry.name(), "kind", entry.kind().label(),
                "owner_pid", entry.owner().pid(), "owner_uid", Integer.toUnsignedString(entry.owner().uid()),
                "reason", why.word(), "result", "closed");
        counters.expired(why);
        release(entry);
    }
}
