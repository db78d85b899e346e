package org.fdstore.daemon.server;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
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
    private final Clock clock;
    /** Add their keys to every STATUS reply, after the continuity layer's (the notify socket's state). */
    final List<Consumer<DaemonStatus.Builder>> statusSources = new ArrayList<>();
    /** Told of every change, before the change is acknowledged. */
    Replication replication = Replication.NONE;
    /** The policy in force; replaced whole on reload. */
    private Policy policy;

    Store(Registry registry, Policy policy, AuditLog audit, Clock clock, Watcher watcher) {
        this.registry = registry;
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
     * Stores {@code fd} for the peer of {@code c}, checking name, capacity and quotas first. On success the
     * registry owns the fd.
     *
     * @throws Refusal EEXIST, ENOSPC or EDQUOT; nothing changed, the fd is still the caller's
     */
    Entry add(Connection c, Fd fd, FdDescription description, String namespace, String name, byte[] metadata,
              Lifetime lifetime) throws Refusal {
        return add(c.peer, fd, description, namespace, name, metadata, lifetime, false,
                lifetime.ownerBound() ? ownerOf(c) : null);
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
        return add(sender, fd, description, namespace, name, new byte[0], lifetime, true, null);
    }

    /** Every entry named {@code namespace/name}, by id. */
    public List<Entry> named(String namespace, String name) {
        return registry.allNamed(namespace, name);
    }

    /** The audit trail. */
    public AuditLog audit() {
        return audit;
    }

    private Entry add(PeerCredentials peer, Fd fd, FdDescription description, String namespace, String name,
                      byte[] metadata, Lifetime lifetime, boolean sharedName, Pidfd owner) throws Refusal {
        try {
            Entry entry = checkedAdd(peer, fd, description, namespace, name, metadata, lifetime, sharedName);
            lifetimes.track(entry, owner);
            owner = null;
            replication.added(entry, lifetimes.owner(entry));
            return entry;
        } finally {
            if (owner != null) owner.close();
        }
    }

    private Entry checkedAdd(PeerCredentials peer, Fd fd, FdDescription description, String namespace, String name,
                             byte[] metadata, Lifetime lifetime, boolean sharedName) throws Refusal {
        if (!name.isEmpty() && !sharedName) {
            Entry existing = registry.named(namespace, name);
            if (existing != null) {
                throw new Refusal(Errno.EEXIST, "an entry named \"" + name + "\" exists already in namespace \""
                        + namespace + "\" (id " + existing.id() + ")");
            }
        }
        int needed = lifetime.ownerBound() ? 2 : 1;
        if (registry.size() + lifetimes.ownerFds() + needed > registry.capacity()) {
            throw new Refusal(Errno.ENOSPC, "the store is full: " + registry.capacity()
                    + " descriptors (entries and owner watches); remove some first");
        }
        quotas.check(policy, peer.uid(), namespace, metadata.length);
        Entry entry = registry.add(fd, description, namespace, name, metadata, peer, clock.millis(), lifetime,
                sharedName);
        quotas.charge(entry.owner().uid(), namespace, metadata.length);
        return entry;
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

    /** Removes {@code entry} everywhere and closes its fd (after any reply carrying it was sent or queued). */
    public void release(Entry entry) {
        replication.removed(entry);
        lifetimes.forget(entry);
        if (registry.remove(entry)) quotas.credit(entry.owner().uid(), entry.namespace(), entry.metadataBytes());
        entry.fd().close();
    }

    /** Binds an entry in its grace to the process that restored it (see {@link Lifetimes#rebind}). */
    void rebind(Entry entry, Pidfd restorer) {
        lifetimes.rebind(entry, restorer);
        Pidfd bound = lifetimes.owner(entry);
        if (bound != null) replication.rebound(entry, bound);
    }

    /**
     * Stores an entry that moved over from another daemon under its old id, in its old lifetime state; takes
     * ownership of {@code fd} and {@code owner}. Quotas are charged but not checked: the entry was accepted before.
     *
     * @throws Refusal EEXIST if the id or name is taken (a corrupt stream); nothing changed, both fds closed
     */
    Entry adopt(long id, Fd fd, String namespace, String name, byte[] metadata, PeerCredentials saver,
                long savedAtMillis, Lifetime lifetime, Pidfd owner, int boundPid, long ownerExitedAtMillis,
                boolean sharedName) throws Refusal {
        Entry entry;
        try {
            entry = registry.restore(id, fd, fd.describe(), namespace, name, metadata, saver, savedAtMillis, lifetime,
                    sharedName);
        } catch (Refusal | LinuxException e) {
            fd.close();
            if (owner != null) owner.close();
            if (e instanceof Refusal r) throw r;
            throw new Refusal(((LinuxException) e).errno(), "cannot describe entry " + id + ": " + e.getMessage());
        }
        quotas.charge(saver.uid(), namespace, metadata.length);
        lifetimes.adopt(entry, owner, boundPid, ownerExitedAtMillis);
        return entry;
    }

    /** A lifetime ended: logs the expiry and releases the entry. */
    @Override
    public void end(Entry entry, Expiry why) {
        audit.record("expire", "id", entry.id(), "namespace", entry.namespace(),
                "name", entry.name().isEmpty() ? null : entry.name(), "kind", entry.description().kind().label(),
                "owner_pid", entry.owner().pid(), "owner_uid", Integer.toUnsignedString(entry.owner().uid()),
                "reason", why.word(), "result", "closed");
        release(entry);
    }
}
