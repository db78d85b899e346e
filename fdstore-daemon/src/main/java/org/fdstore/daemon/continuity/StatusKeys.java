package org.fdstore.daemon.continuity;

/**
 * The keys of the STATUS reply (docs/protocol.md), in the order the daemon sends them. Clients print keys they do
 * not know as they are, so a key may be added; none may be renamed.
 */
public final class StatusKeys {
    /** Pid of the process that serves. */
    public static final String SERVING_PID = "serving_pid";
    /** Pid of the hot standby, or {@code none}. */
    public static final String STANDBY_PID = "standby_pid";
    /** {@code serving} (the process answering), by construction. */
    public static final String ROLE = "role";
    /** Entries stored. */
    public static final String ENTRIES = "entries";
    /** Descriptors the serving process holds (entries, owners' pidfds, connections, the JVM's own). */
    public static final String FDS = "fds";
    /** Its RLIMIT_NOFILE. */
    public static final String FD_LIMIT = "fd_limit";
    /** Most entries it stores. */
    public static final String CAPACITY = "capacity";
    /** When the store started serving, before any handover or failover (ISO-8601 UTC). */
    public static final String STARTED_AT = "started_at";
    /** {@code none}, {@code handover} or {@code failover}. */
    public static final String LAST_TRANSITION = "last_transition";
    /** When it happened (ISO-8601 UTC), or {@code none}. */
    public static final String LAST_TRANSITION_AT = "last_transition_at";
    /** How long no process answered, in milliseconds, or {@code none}. */
    public static final String LAST_TRANSITION_PAUSE_MS = "last_transition_pause_ms";
    /** The build of the serving process. */
    public static final String VERSION = "version";

    private StatusKeys() {}
}
