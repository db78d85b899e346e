package org.fdstore.daemon.registry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    /**
     * Entry {@code i} at index {@code i}, null where none: ids are small dense integers, so an array costs 4 bytes
     * an entry where a sorted map of boxed ids cost 64. Grown when a handover brings a larger id.
     */
    private Entry[] byId;
    /** The ids in use: the same set as the non-null slots of {@link #byId}, for the smallest free id. */
    private final BitSet usedIds = new BitSet();
    /** Named entries by namespace, then by name: no per-entry {@code namespace/name} key string. */
    private final Map<String, Map<String, Entry>> byName = new HashMap<>();
    private final int capacity;
    private int size;

    /** An empty registry meant to hold at most {@code capacity} entries. */
    public Registry(int capacity) {
        this.capacity = capacity;
        this.byId = new Entry[Math.max(16, capacity + 2)];
    }

    /** The entry named {@code namespace/name}, if any; visibility is the caller's business. */
    public Entry named(String namespace, String name) {
        Map<String, Entry> names = byName.get(namespace);
        return names == null ? null : names.get(name);
    }

    /**
     * Stores {@code fd}, which the registry then owns.
     *
     * @param name "" for an unnamed entry
     * @throws Refusal EEXIST for a name in use in {@code namespace}; the fd then stays the caller's
     */
    public Entry add(Fd fd, FdDescription description, String namespace, String name, byte[] metadata,
                     PeerCredentials owner, long nowMillis, Lifetime lifetime) throws Refusal {
        Entry existing = name.isEmpty() ? null : named(namespace, name);
        if (existing != null) {
            throw new Refusal(Errno.EEXIST, "an entry named \"" + name + "\" exists already in namespace \""
                    + namespace + "\" (id " + existing.id() + ")");
        }
        return insert(new Entry(usedIds.nextClearBit(1), namespace, name, fd, metadata, owner, nowMillis, description,
                lifetime));
    }

    /**
     * Stores {@code fd} under the id it had in another daemon (a handover or a failover); the registry then owns
     * the fd.
     *
     * @throws Refusal EEXIST if the id or the name is in use; the fd then stays the caller's
     */
    public Entry restore(long id, Fd fd, FdDescription description, String namespace, String name, byte[] metadata,
                         PeerCredentials owner, long savedAtMillis, Lifetime lifetime) throws Refusal {
        // Bounded so that a corrupt stream cannot size the id array: a predecessor's ids stay below its capacity.
        if (id < 1 || id > 4L * capacity + 1024 || usedIds.get((int) id)) {
            throw new Refusal(Errno.EEXIST, "id " + id + " is in use or out of range");
        }
        if (!name.isEmpty() && named(namespace, name) != null) {
            throw new Refusal(Errno.EEXIST, "an entry named \"" + name + "\" exists already in namespace \""
                    + namespace + "\"");
        }
        return insert(new Entry(id, namespace, name, fd, metadata, owner, savedAtMillis, description, lifetime));
    }

    private Entry insert(Entry entry) {
        int id = (int) entry.id();
        if (id >= byId.length) byId = Arrays.copyOf(byId, Math.max(id + 1, byId.length * 2));
        byId[id] = entry;
        usedIds.set(id);
        size++;
        if (!entry.name().isEmpty()) {
            byName.computeIfAbsent(entry.namespace(), k -> new HashMap<>()).put(entry.name(), entry);
        }
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
            case Selector.ById byId -> byId(byId.id());
            case Selector.ByName byName -> {
                QualifiedName name = QualifiedName.parse(byName.name()).in(defaultNamespace);
                yield named(name.namespace(), name.name());
            }
        };
        if (entry == null || !visible.test(entry)) throw new Refusal(Errno.ENOENT, "no entry with " + selector.describe());
        return entry;
    }

    /** The entry with this id, or null; visibility is the caller's business. */
    public Entry byId(long id) {
        return id > 0 && id < byId.length ? byId[(int) id] : null;
    }

    /** Forgets {@code entry} and frees its id and name. The caller closes its fd once no reply needs it. */
    public boolean remove(Entry entry) {
        if (byId(entry.id()) != entry) return false;
        byId[(int) entry.id()] = null;
        usedIds.clear((int) entry.id());
        size--;
        if (!entry.name().isEmpty()) {
            Map<String, Entry> names = byName.get(entry.namespace());
            names.remove(entry.name());
            if (names.isEmpty()) byName.remove(entry.namespace());
        }
        return true;
    }

    /** The entries {@code visible} lets the caller see, by id. */
    public List<Entry> entries(Predicate<Entry> visible) {
        List<Entry> out = new ArrayList<>();
        for (int id = usedIds.nextSetBit(1); id >= 0; id = usedIds.nextSetBit(id + 1)) {
            if (visible.test(byId[id])) out.add(byId[id]);
        }
        return out;
    }

    /** How many entries are stored. */
    public int size() {
        return size;
    }

    /** The most entries it is meant to hold. */
    public int capacity() {
        return capacity;
    }

    /** Removes every entry and closes its fd; returns how many there were. */
    public int closeAll() {
        int n = size;
        for (int id = usedIds.nextSetBit(1); id >= 0; id = usedIds.nextSetBit(id + 1)) byId[id].fd().close();
        Arrays.fill(byId, null);
        byName.clear();
        usedIds.clear();
        size = 0;
        return n;
    }
}
