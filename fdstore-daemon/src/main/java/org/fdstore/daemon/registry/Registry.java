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
 * namespaces), and names unique within their namespace, except between entries stored with a shared name (the
 * systemd notify socket's FDSTORE=1, whose fd store allows duplicates). A name that several entries share cannot
 * select one: looking it up fails with ENOTUNIQ, naming their ids.
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
    /**
     * Named entries by namespace, then by name (no per-entry {@code namespace/name} key string): the one
     * {@link Entry}, or a {@code List<Entry>} by id of two or more that all have {@link Entry#sharedName()}.
     */
    private final Map<String, Map<String, Object>> byName = new HashMap<>();
    private final int capacity;
    private int size;

    /** An empty registry meant to hold at most {@code capacity} entries. */
    public Registry(int capacity) {
        this.capacity = capacity;
        this.byId = new Entry[Math.max(16, capacity + 2)];
    }

    /** The first entry named {@code namespace/name} (by id), if any; visibility is the caller's business. */
    public Entry named(String namespace, String name) {
        return switch (slot(namespace, name)) {
            case null -> null;
            case Entry e -> e;
            case List<?> all -> (Entry) all.getFirst();
            default -> throw new IllegalStateException();
        };
    }

    /** Every entry named {@code namespace/name}, by id; visibility is the caller's business. */
    @SuppressWarnings("unchecked")
    public List<Entry> allNamed(String namespace, String name) {
        return switch (slot(namespace, name)) {
            case null -> List.of();
            case Entry e -> List.of(e);
            case List<?> all -> List.copyOf((List<Entry>) all);
            default -> throw new IllegalStateException();
        };
    }

    private Object slot(String namespace, String name) {
        Map<String, Object> names = byName.get(namespace);
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
        return insert(new Entry(usedIds.nextClearBit(1), namespace, name, fd, metadata, owner, nowMillis, description,
                lifetime, sharedName));
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
        // Bounded so that a corrupt stream cannot size the id array: a predecessor's ids stay below its capacity.
        if (id < 1 || id > 4L * capacity + 1024 || usedIds.get((int) id)) {
            throw new Refusal(Errno.EEXIST, "id " + id + " is in use or out of range");
        }
        if (!name.isEmpty() && !sharedName && slot(namespace, name) != null) {
            throw new Refusal(Errno.EEXIST, "an entry named \"" + name + "\" exists already in namespace \""
                    + namespace + "\"");
        }
        return insert(new Entry(id, namespace, name, fd, metadata, owner, savedAtMillis, description, lifetime,
                sharedName));
    }

    private Entry insert(Entry entry) {
        int id = (int) entry.id();
        if (id >= byId.length) byId = Arrays.copyOf(byId, Math.max(id + 1, byId.length * 2));
        byId[id] = entry;
        usedIds.set(id);
        size++;
        if (!entry.name().isEmpty()) index(entry);
        return entry;
    }

    /** Adds {@code entry} to the entries of its name, kept by id. */
    @SuppressWarnings("unchecked")
    private void index(Entry entry) {
        Map<String, Object> names = byName.computeIfAbsent(entry.namespace(), k -> new HashMap<>());
        switch (names.get(entry.name())) {
            case null -> names.put(entry.name(), entry);
            case Entry first -> {
                List<Entry> all = new ArrayList<>(List.of(first, entry));
                all.sort((a, b) -> Long.compare(a.id(), b.id()));
                names.put(entry.name(), all);
            }
            case List<?> shared -> {
                List<Entry> all = (List<Entry>) shared;
                all.add(entry);
                all.sort((a, b) -> Long.compare(a.id(), b.id()));
            }
            default -> throw new IllegalStateException();
        }
    }

    /** Removes {@code entry} from the entries of its name. */
    private void unindex(Entry entry) {
        Map<String, Object> names = byName.get(entry.namespace());
        Object slot = names == null ? null : names.get(entry.name());
        if (slot == entry) {
            names.remove(entry.name());
        } else if (slot instanceof List<?> all) {
            all.remove(entry);
            if (all.size() == 1) names.put(entry.name(), all.getFirst());
        }
        if (names != null && names.isEmpty()) byName.remove(entry.namespace());
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
            case Selector.ById byId -> byId(byId.id());
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
        return id > 0 && id < byId.length ? byId[(int) id] : null;
    }

    /** Forgets {@code entry} and frees its id and name. The caller closes its fd once no reply needs it. */
    public boolean remove(Entry entry) {
        if (byId(entry.id()) != entry) return false;
        byId[(int) entry.id()] = null;
        usedIds.clear((int) entry.id());
        size--;
        if (!entry.name().isEmpty()) unindex(entry);
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
