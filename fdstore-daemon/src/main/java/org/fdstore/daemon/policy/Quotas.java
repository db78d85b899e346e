package org.fdstore.daemon.policy;

import java.util.HashMap;
import java.util.Map;
import org.fdstore.daemon.registry.Refusal;
import org.fdstore.linux.Errno;

/**
 * How many entries and metadata bytes each uid, each namespace and the whole store hold, checked against the
 * {@link Policy}'s quotas before a save.
 *
 * <p>Not thread safe: the event loop owns it. Counts are charged when an entry is stored and credited when it goes,
 * so they always equal the registry's contents.
 */
public final class Quotas {
    /** [entries, metadata bytes] per uid; a uid with nothing stored has no slot. */
    private final Map<Integer, long[]> byUid = new HashMap<>();
    /** [entries, metadata bytes] per namespace. */
    private final Map<String, long[]> byNamespace = new HashMap<>();
    /** What an absent slot reads as; never written. */
    private static final long[] EMPTY = new long[2];
    private long totalEntries;
    private long totalMetadata;

    /**
     * Refuses a save by {@code uid} into {@code namespace} with {@code metadataBytes} of metadata that would pass a
     * quota.
     *
     * @throws Refusal EDQUOT naming the quota
     */
    public void check(Policy policy, int uid, String namespace, int metadataBytes) throws Refusal {
        check(policy.totalQuota(), totalEntries, totalMetadata, metadataBytes, null, null);
        long[] u = byUid.getOrDefault(uid, EMPTY);
        check(policy.uidQuota(uid), u[0], u[1], metadataBytes, "uid ", Integer.toUnsignedString(uid));
        long[] n = byNamespace.getOrDefault(namespace, EMPTY);
        check(policy.namespaceQuota(namespace), n[0], n[1], metadataBytes, "namespace ", "\"" + namespace + "\"");
    }

    /**
     * Refuses {@code adding} more bytes in one more entry over {@code quota}. The holder is {@code kind + name} ("uid
     * 1000"), or the store when {@code kind} is null; the message is built only on refusal, since this runs on every
     * save.
     */
    private static void check(Quota quota, long entries, long metadata, int adding, String kind, String name)
            throws Refusal {
        boolean tooMany = entries + 1 > quota.entries();
        if (!tooMany && metadata + adding <= quota.metadataBytes()) return;
        String holder = kind == null ? "the store" : kind + name;
        String which = kind == null ? "its total quota" : "the quota of " + holder;
        if (tooMany) {
            throw new Refusal(Errno.EDQUOT, holder + " holds " + entries + " entries, the most " + which
                    + " allows; remove some first");
        }
        throw new Refusal(Errno.EDQUOT, holder + " holds " + metadata + " bytes of metadata; " + adding
                + " more would pass the " + quota.metadataBytes() + " that " + which + " allows");
    }

    /** Counts a stored entry. */
    public void charge(int uid, String namespace, int metadataBytes) {
        add(byUid.computeIfAbsent(uid, k -> new long[2]), 1, metadataBytes);
        add(byNamespace.computeIfAbsent(namespace, k -> new long[2]), 1, metadataBytes);
        totalEntries++;
        totalMetadata += metadataBytes;
    }

    /** Uncounts an entry that is gone. */
    public void credit(int uid, String namespace, int metadataBytes) {
        long[] u = byUid.get(uid);
        if (u != null && add(u, -1, -metadataBytes)) byUid.remove(uid);
        long[] n = byNamespace.get(namespace);
        if (n != null && add(n, -1, -metadataBytes)) byNamespace.remove(namespace);
        totalEntries--;
        totalMetadata -= metadataBytes;
    }

    /** Entries {@code uid} has stored. */
    public long entriesOf(int uid) {
        return byUid.getOrDefault(uid, EMPTY)[0];
    }

    /** Entries in {@code namespace}. */
    public long entriesIn(String namespace) {
        return byNamespace.getOrDefault(namespace, EMPTY)[0];
    }

    /** Adds to a slot; true when it is empty afterwards. */
    private static boolean add(long[] slot, long entries, long metadata) {
        slot[0] += entries;
        slot[1] += metadata;
        return slot[0] <= 0;
    }
}
