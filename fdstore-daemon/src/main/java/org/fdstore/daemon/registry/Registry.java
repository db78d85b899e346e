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
import org.fdstore.protocol.Lifetime;
import org.fdstore.protocol.QualifiedName;
import org.fdstore.protocol.Selector;

/**
 * The stored entries: ids allocated as the RFC's IDR does (the smallest free integer ≥ 1, global across
 * namespaces), and names unique within their namespace.
 *
 * <p>Not thread safe: the daemon's event loop owns it, so the hot path takes no lock. Capacity and quotas are
 * checked by the caller before {@link #add}.
 */
public final class Registry {
    private final TreeMap<Long, Entry> byId = new TreeMap<>();
    /** By {@code namespace/name}. */
    private final Map<String, Entry> byName = new HashMap<>();
    private final BitSet usedIds = new BitSet();
    private final int capacity;

    /** An empty registry meant to hold at most {@code capacity} entries. */
    public Registry(int capacity) {
        this.capacity = capacity;
    }

    /** The entry named {@code namespace/name}, if any; visibility is the caller's business. */
    public Entry named(String namespace, String name) {
        return byName.get(namespace + "/" + name);
    }

    /**
     * Stores {@code fd}, which the registry then owns.
     *
     * @param name "" for an unnamed entry
     * @throws Refusal EEXIST for a name in use in {@code namespace}; the fd then stays the caller's
     */
    public Entry add(Fd fd, FdDescription description, String namespace, String name, byte[] metadata,
                     PeerCredentials owner, long nowMillis, Lifetime lifetime) throws Refusal {
        if (!name.isEmpty() && byName.containsKey(namespace + "/" + name)) {
            throw new Refusal(Errno.EEXIST, "an entry named \"" + name + "\" exists already in namespace \""
                    + namespace + "\" (id " + byName.get(namespace + "/" + name).id() + ")");
        }
        long id = usedIds.nextClearBit(1);
        usedIds.set((int) id);
        Entry entry = new Entry(id, namespace, name, fd, metadata, owner, nowMillis, description, lifetime);
        byId.put(id, entry);
        if (!name.isEmpty()) byName.put(entry.qualifiedName(), entry);
        return entry;
    }

    /**
     * Stores {@code fd} under the id it had in another daemon (a handover or a failover); the registry then owns
     * the fd.
     *
     * @throws Refusal EEXIST if the id or the name is in use; the fd then stays the caller's
     */
    public Entry restore(long id, Fd fd, FdDescription description, String namespace, String name, byte[] metadata,
                         PeerCredentials owner, long savedAtMillis, Lifetime lifetime) throws Refusal {
        if (id < 1 || id > Integer.MAX_VALUE || usedIds.get((int) id)) {
            throw new Refusal(Errno.EEXIST, "id " + id + " is in use or out of range");
        }
        if (!name.isEmpty() && byName.containsKey(namespace + "/" + name)) {
            throw new Refusal(Errno.EEXIST, "an entry named \"" + name + "\" exists already in namespace \""
                    + namespace + "\"");
        }
        usedIds.set((int) id);
        Entry entry = new Entry(id, namespace, name, fd, metadata, owner, savedAtMillis, description, lifetime);
        byId.put(id, entry);
        if (!name.isEmpty()) byName.put(entry.qualifiedName(), entry);
        return entry;
    }

    /**
     * The entry {@code selector} names, if {@code visible} lets the caller see it. An unqualified name is looked
     * up in {@code defaultNamespace}.
     *
     * @throws Refusal ENOENT if there is none, or it is out of the caller's reach: the two look the same
     */
    public Entry find(Selector selector, String defaultNamespace, Predicate<Entry> visible) throws Refusal {
        Entry entry = switch (selector) {
            case Selector.ById byId -> this.byId.get(byId.id());
            case Selector.ByName byName -> {
                QualifiedName name = QualifiedName.parse(byName.name()).in(defaultNamespace);
                yield this.byName.get(name.namespace() + "/" + name.name());
            }
        };
        if (entry == null || !visible.test(entry)) throw new Refusal(Errno.ENOENT, "no entry with " + selector.describe());
        return entry;
    }

    /** The entry with this id, or null; visibility is the caller's business. */
    public Entry byId(long id) {
        return byId.get(id);
    }

    /** Forgets {@code entry} and frees its id and name. The caller closes its fd once no reply needs it. */
    public boolean remove(Entry entry) {
        if (!byId.remove(entry.id(), entry)) return false;
        usedIds.clear((int) entry.id());
        if (!entry.name().isEmpty()) byName.remove(entry.qualifiedName());
        return true;
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

    /** The most entries it is meant to hold. */
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
