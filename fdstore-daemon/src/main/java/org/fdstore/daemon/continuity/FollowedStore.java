package org.fdstore.daemon.continuity;

import org.fdstore.daemon.lifetime.Lifetimes;
import org.fdstore.daemon.observe.EventLog;
import org.fdstore.daemon.registry.Entry;
import org.fdstore.daemon.registry.Refusal;
import org.fdstore.daemon.server.Server;
import org.fdstore.linux.Fd;
import org.fdstore.linux.Pidfd;

/**
 * The store a mirror will serve, kept as its server's while the mirror follows: every entry is adopted as it
 * arrives, so that taking over starts serving at once, however many entries there are, with the adopting code long
 * compiled. Nothing here is logged to the audit trail or replicated: the server did both.
 *
 * <p>Not thread safe: the mirror's thread follows, then serves.
 */
final class FollowedStore {
    private final Server server;
    private final EventLog log;

    FollowedStore(Server server, EventLog log) {
        this.server = server;
        this.log = log;
    }

    /** Adopts an entry the server stored (or sent again), taking ownership of {@code fd} and {@code owner}. */
    void add(EntryRecord r, Fd fd, Pidfd owner) {
        Entry old = server.registry().byId(r.id());
        if (old != null) server.store().release(old);
        try {
            server.adopt(r.id(), fd, null, r.namespace(), r.name(), r.metadata(), r.saver(), r.savedAtMillis(),
                    r.lifetime(), owner, r.boundPid(), r.ownerExitedAtMillis(), r.sharedName());
        } catch (Refusal e) {
            log.warning("adopt_failed", "id", r.id(), "reason", e.getMessage());
        }
    }

    /** Releases an entry the server released; an unknown id (one that failed to adopt) is ignored. */
    void remove(long id) {
        Entry entry = server.registry().byId(id);
        if (entry != null) server.store().release(entry);
    }

    /**
     * Binds an owner-bound entry to {@code owner} (pid {@code pid}), as the server did when a restore in its grace
     * rebound it; takes ownership of {@code owner}. Whatever this copy knew of the old owner is replaced, since only
     * the server watched it.
     */
    void rebind(long id, int pid, Pidfd owner) {
        Entry entry = server.registry().byId(id);
        if (entry == null) {
            owner.close();
            return;
        }
        Lifetimes lifetimes = server.lifetimes();
        lifetimes.forget(entry);
        lifetimes.adopt(entry, owner, pid, 0);
    }

    /** How many entries it holds. */
    int size() {
        return server.registry().size();
    }
}
