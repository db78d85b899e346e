package org.fdstore.daemon.registry;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FdDescription;
import org.fdstore.linux.PeerCredentials;
import org.fdstore.protocol.Selector;

/**
 * The stored entries: ids allocated as the RFC's IDR does (the smallest free integer ≥ 1), unique names, and a
 * capacity fixed at start-up.
 *
 * <p>Not thread safe: the daemon's event loop owns it, so the hot path takes no lock.
 */
public final class Registry {
    private final TreeMap<Long, Entry> byId = new TreeMap<>();
    private final Map<String, Entry> byName = new HashMap<>();
    private final BitSet usedIds = new BitSet();
    private final int capacity;

    /** An empty registry that holds at most {@code capacity} entries. */
    public Registry(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Stores {@code fd}, which the registry then owns.
     *
     * @param name "" for an unnamed entry
     * @throws Refusal EEXIST for a name in use, ENOSPC when full; the fd then stays the caller's
     */
    public Entry add(Fd fd, FdDescription description, String name, byte[] metadata, PeerCredentials owner,
                     long nowMillis) throws Refusal {
        if (!name.isEmpty() && byName.containsKey(name)) {
            throw new Refusal(Errno.EEXIST, "an entry named \"" + name + "\" exists already (id "
                    + byName.get(name).id() + ")");
        }
        if (byId.size() >= capacity) {
            throw new Refusal(Errno.ENOSPC, "the store is full: " + capacity + " entries; remove some first");
        }
        long id = usedIds.nextClearBit(1);
        usedIds.set((int) id);
        Entry entry = new Entry(id, name, fd, metadata, owner, nowMillis, description);
        byId.put(id, entry);
        if (!name.isEmpty()) byName.put(name, entry);
        return entry;
    }

    /**
     * The entry {@code selector} names, if {@code visible} lets the caller see it.
     *
     * @throws Refusal ENOENT if there is none, or it is out of the caller's reach: the two look the same
     */
    public Entry find(Selector selector, Predicate<Entry> visible) throws Refusal {
        Entry entry = switch (selector) {
            case Selector.ById byId -> this.byId.get(byId.id());
            case Selector.ByName byName -> this.byName.get(byName.name());
        };
        if (entry == null || !visible.test(entry)) throw new Refusal(Errno.ENOENT, "no entry with " + selector.describe());
        return entry;
    }

    /** Forgets {@code entry} and frees its id and name. The caller closes its fd once no reply needs it. */
    public void remove(Entry entry) {
        if (byId.remove(entry.id(), entry)) {
            usedIds.clear((int) entry.id());
            if (!entry.name().isEmpty()) byName.remove(entry.name());
        }
    }

    /** The entries {@code visible} lets the caller see, by id. */
    public List<Entry> entries(Predicate<Entry> visible) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : byId.values()) if (visible.test(e)) out.add(e);
        return out;
    }

    /** How many entries are stored. */
    public int size() {
        return byId.size();
    }

    /** The most entries it will hold. */
    public int capacity() {
        return capacity;
    }

    /** Removes every entry and closes its fd; returns how many there were. */
    public int closeAll() {
        int n = byId.size();
        for (Entry e : byId.values()) e.fd().close();
        byId.clear();
        byName.clear();
        usedIds.clear();
        return n;
    }
}
