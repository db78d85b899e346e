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
 * namespaces), and names unique within their namespace, except between entries stored with a shared name (the
 * systemd notify socket's FDSTORE=1, whose fd store allows duplicates). A name that several entries share cannot
 * select one: looking it up fails with ENOTUNIQ, naming their ids.
 *
 * <p>Not thread safe: the daemon's event loop owns it, so the hot path takes no lock. Capacity and quotas are
 * checked by the caller before {@link #add}.
 */
public final class Registry {
    private final TreeMap<Long, Entry> byId = new TreeMap<>();
    /** By {@code namespace/name}: one entry, or several that all have {@link Entry#sharedName()}; never empty. */
    private final Map<String, List<Entry>> byName = new HashMap<>();
    private final BitSet usedIds = new BitSet();
    private final int capacity;

    /** An empty registry meant to hold at most {@code capacity} entries. */
    public Registry(int capacity) {
        this.capacity = capacity;
    }

    /** The first entry named {@code namespace/name} (by id), if any; visibility is the caller's business. */
    public Entry named(String namespace, String name) {
        List<Entry> all = byName.get(namespace + "/" + name);
        return all == null ? null : all.getFirst();
    }

    /** Every entry named {@code namespace/name}, by id; visibility is the caller's business. */
    public List<Entry> allNamed(String namespace, String name) {
        return List.copyOf(byName.getOrDefault(namespace + "/" + name, List.of()));
    }

    /**
     * Stores {@code fd}, which the registry then owns.
     *
     * @param name "" for an unnamed entry
     * @throws Refusal EEXIST for a name in use in {@code namespace}; the fd then stays the caller's
     */
    public Entry add(Fd fd, FdDescription description, String namespace, String name, byte[] metadata,
                     PeerCredentials owner, long nowMillis, Lifetime lifetime) throws Refusal {
        return add(fd, description, namespace, name, metadata, owner, nowMillis, lifetime, false);
    }

    /**
     * Stores {@code fd}, which the registry then owns.
     *
     * @param name "" for an unnamed entry
     * @param sharedName whether the name may be shared: then it is stored beside any entry of the same name
     * @throws Refusal EEXIST for a name in use in {@code namespace} when not {@code sharedName}; the fd then stays
     *     the caller's
     */
    public Entry add(Fd fd, FdDescription description, String namespace, String name, byte[] metadata,
                     PeerCredentials owner, long nowMillis, Lifetime lifetime, boolean sharedName) throws Refusal {
        Entry existing = name.isEmpty() ? null : named(namespace, name);
        if (existing != null && !sharedName) {
            throw new Refusal(Errno.EEXIST, "an entry named \"" + name + "\" exists already in namespace \""
                    + namespace + "\" (id " + existing.id() + ")");
        }
        long id = usedIds.nextClearBit(1);
        usedIds.set((int) id);
        Entry entry = new Entry(id, namespace, name, fd, metadata, owner, nowMillis, description, lifetime,
                sharedName);
        byId.put(id, entry);
        if (!name.isEmpty()) index(entry);
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
        return restore(id, fd, description, namespace, name, metadata, owner, savedAtMillis, lifetime, false);
    }

    /** {@link #restore} of an entry whose name may be shared ({@link Entry#sharedName()}) or not. */
    public Entry restore(long id, Fd fd, FdDescription description, String namespace, String name, byte[] metadata,
                         PeerCredentials owner, long savedAtMillis, Lifetime lifetime, boolean sharedName)
            throws Refusal {
        if (id < 1 || id > Integer.MAX_VALUE || usedIds.get((int) id)) {
            throw new Refusal(Errno.EEXIST, "id " + id + " is in use or out of range");
        }
        if (!name.isEmpty() && !sharedName && byName.containsKey(namespace + "/" + name)) {
            throw new Refusal(Errno.EEXIST, "an entry named \"" + name + "\" exists already in namespace \""
                    + namespace + "\"");
        }
        usedIds.set((int) id);
        Entry entry = new Entry(id, namespace, name, fd, metadata, owner, savedAtMillis, description, lifetime,
                sharedName);
        byId.put(id, entry);
        if (!name.isEmpty()) index(entry);
        return entry;
    }

    /** Adds {@code entry} to the entries of its name, kept by id. */
    private void index(Entry entry) {
        List<Entry> all = byName.computeIfAbsent(entry.qualifiedName(), k -> new ArrayList<>(1));
        all.add(entry);
        all.sort((a, b) -> Long.compare(a.id(), b.id()));
    }

    /**
     * The entry {@code selector} names, if {@code visible} lets the caller see it. An unqualified name is looked
     * up in {@code defaultNamespace}.
     *
     * @throws Refusal ENOENT if there is none, or it is out of the caller's reach: the two look the same;
     *     ENOTUNIQ if the name is shared by several entries, naming their ids
     */
    public Entry find(Selector selector, String defaultNamespace, Predicate<Entry> visible) throws Refusal {
        Entry entry = switch (selector) {
            case Selector.ById byId -> this.byId.get(byId.id());
            case Selector.ByName byName -> {
                QualifiedName name = QualifiedName.parse(byName.name()).in(defaultNamespace);
                List<Entry> all = allNamed(name.namespace(), name.name());
                if (all.size() > 1 && visible.test(all.getFirst())) {
                    throw new Refusal(Errno.ENOTUNIQ, "name \"" + name.name() + "\" in namespace \""
                            + name.namespace() + "\" is shared by " + all.size() + " entries (ids "
                            + String.join(", ", all.stream().map(e -> Long.toString(e.id())).toList())
                            + "); select one by id");
                }
                yield all.isEmpty() ? null : all.getFirst();
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
        if (!entry.name().isEmpty()) {
            List<Entry> all = byName.get(entry.qualifiedName());
            all.remove(entry);
            if (all.isEmpty()) byName.remove(entry.qualifiedName());
        }
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
