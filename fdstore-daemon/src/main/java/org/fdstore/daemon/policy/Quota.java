package org.fdstore.daemon.policy;

/**
 * Limits on entries and metadata bytes for one scope (the whole store, one uid, one namespace).
 * {@link Long#MAX_VALUE} means no limit.
 *
 * <p>Immutable and thread safe.
 *
 * @param entries the most entries
 * @param metadataBytes the most bytes of metadata, summed over those entries
 */
public record Quota(long entries, long metadataBytes) {
    /** No limit at all. */
    public static final Quota UNLIMITED = new Quota(Long.MAX_VALUE, Long.MAX_VALUE);

    /** The built-in quotas, which a policy file's {@code quota} lines override limit by limit. */
    public record Defaults(Quota total, Quota perUid, Quota perNamespace) {
        /**
         * Defaults for a store of {@code capacity} entries: the total is the capacity; an unprivileged uid may
         * fill a quarter of it (at least 64 entries) and hold 32 MiB of metadata; root is not limited per uid;
         * namespaces are not limited; all metadata together stays within {@code maxMetadataBytes}.
         */
        public static Defaults forCapacity(long capacity, long maxMetadataBytes) {
            return new Defaults(new Quota(capacity, maxMetadataBytes),
                    new Quota(Math.max(64, capacity / 4), Math.min(32L << 20, maxMetadataBytes)),
                    UNLIMITED);
        }
    }
}
