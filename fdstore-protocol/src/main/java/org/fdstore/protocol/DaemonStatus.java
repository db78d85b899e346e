package org.fdstore.protocol;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a STATUS reply says about the daemon: (key, value) text pairs in the daemon's order, with typed accessors
 * for the keys protocol version 1 defines.
 *
 * <p>Every key of version 1 ({@link #KEYS}) must be present, and its value in the format docs/protocol.md gives;
 * other keys (added by later versions) are kept as they are, in order. Keys are lower_snake_case and unique.
 * Immutable and thread safe.
 */
public final class DaemonStatus {
    /** Pid of the process that serves the socket. */
    public static final String SERVING_PID = "serving_pid";
    /** Pid of the hot standby, or {@value #NONE}. */
    public static final String STANDBY_PID = "standby_pid";
    /** The answering process's role: {@value #ROLE_SERVING}. */
    public static final String ROLE = "role";
    /** Entries in the store. */
    public static final String ENTRIES = "entries";
    /** Fds the serving process has open. */
    public static final String FDS = "fds";
    /** The serving process's RLIMIT_NOFILE. */
    public static final String FD_LIMIT = "fd_limit";
    /** Most entries the store takes. */
    public static final String CAPACITY = "capacity";
    /** When the store started: its first process, kept across handovers and failovers. */
    public static final String STARTED_AT = "started_at";
    /** {@code none}, {@code handover} or {@code failover}. */
    public static final String LAST_TRANSITION = "last_transition";
    /** When the last transition happened, or {@value #NONE}. */
    public static final String LAST_TRANSITION_AT = "last_transition_at";
    /** How long the last transition kept the socket unanswered, in milliseconds, or {@value #NONE}. */
    public static final String LAST_TRANSITION_PAUSE_MS = "last_transition_pause_ms";
    /** The daemon's version. */
    public static final String VERSION = "version";
    /** The keys of protocol version 1, in the order a daemon sends them. */
    public static final List<String> KEYS = List.of(SERVING_PID, STANDBY_PID, ROLE, ENTRIES, FDS, FD_LIMIT,
            CAPACITY, STARTED_AT, LAST_TRANSITION, LAST_TRANSITION_AT, LAST_TRANSITION_PAUSE_MS, VERSION);
    /** The value of an absent pid, time or pause. */
    public static final String NONE = "none";
    /** The role of the process that serves the socket, the only one that answers STATUS. */
    public static final String ROLE_SERVING = "serving";
    /** Largest key, in bytes. */
    public static final int MAX_KEY_BYTES = 64;
    /** Largest value, in bytes of UTF-8. */
    public static final int MAX_VALUE_BYTES = 4096;

    /** Times on the wire: UTC, always with milliseconds, e.g. {@code 2026-11-24T04:32:30.123Z}. */
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");
    private static final Pattern DECIMAL = Pattern.compile("0|[1-9][0-9]{0,18}");

    /** The kind of the last change of serving process. */
    public enum Transition {
        /** No other process has served this store. */
        NONE,
        /** A successor took over from a process that handed over its state ({@code fdstore upgrade}, SIGTERM). */
        HANDOVER,
        /** The standby took over from a serving process that died. */
        FAILOVER;

        /** The wire value: the name in lower case. */
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One (key, value) pair.
     *
     * @param key lower_snake_case, at most {@value #MAX_KEY_BYTES} bytes
     * @param value text, at most {@value #MAX_VALUE_BYTES} bytes of UTF-8
     */
    public record Field(String key, String value) {
        /**
         * Checks the components.
         *
         * @throws IllegalArgumentException if the key is not lower_snake_case or too long, or the value too long
         * @throws NullPointerException if an argument is null
         */
        public Field {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (key.length() > MAX_KEY_BYTES || !KEY.matcher(key).matches()) {
                throw new IllegalArgumentException("STATUS key " + Quote.of(key) + " is not lower_snake_case of at most "
                        + MAX_KEY_BYTES + " bytes");
            }
            Utf8.encode(value, MAX_VALUE_BYTES, "STATUS value of " + key);
        }
    }

    private final List<Field> fields;
    private final Map<String, String> byKey;

    private DaemonStatus(List<Field> fields) {
        this.fields = List.copyOf(fields);
        Map<String, String> map = new LinkedHashMap<>();
        for (Field f : this.fields) {
            if (map.putIfAbsent(f.key(), f.value()) != null) {
                throw new IllegalArgumentException("STATUS key " + f.key() + " appears twice");
            }
        }
        this.byKey = map;
        for (String key : KEYS) {
            if (!map.containsKey(key)) throw new IllegalArgumentException("STATUS lacks the key " + key);
        }
        checkFormats();
    }

    /**
     * The status made of {@code fields}, in that order.
     *
     * @throws IllegalArgumentException if a key appears twice, a key of {@link #KEYS} is missing, or its value is
     *     not in its format
     * @throws NullPointerException if {@code fields} or one of them is null
     */
    public static DaemonStatus of(List<Field> fields) {
        return new DaemonStatus(fields);
    }

    /** A builder for the daemon, which fills in every key of {@link #KEYS} and may add others. */
    public static Builder builder() {
        return new Builder();
    }

    /** Every pair, in the daemon's order, unknown keys included. */
    public List<Field> fields() {
        return fields;
    }

    /** The value of {@code key}, as sent. */
    public Optional<String> get(String key) {
        return Optional.ofNullable(byKey.get(key));
    }

    /** The pid of the process that serves the socket. */
    public int servingPid() {
        return Integer.parseInt(value(SERVING_PID));
    }

    /** The standby's pid; empty without a standby ({@code daemon --no-mirror}, or while one is being started). */
    public OptionalInt standbyPid() {
        String v = value(STANDBY_PID);
        return v.equals(NONE) ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(v));
    }

    /** The answering process's role, {@value #ROLE_SERVING}. */
    public String role() {
        return value(ROLE);
    }

    /** Entries in the store. */
    public long entries() {
        return Long.parseLong(value(ENTRIES));
    }

    /** Fds the serving process has open. */
    public long fds() {
        return Long.parseLong(value(FDS));
    }

    /** The serving process's fd limit (RLIMIT_NOFILE). */
    public long fdLimit() {
        return Long.parseLong(value(FD_LIMIT));
    }

    /** Most entries the store takes. */
    public long capacity() {
        return Long.parseLong(value(CAPACITY));
    }

    /** When the store started. */
    public Instant startedAt() {
        return Instant.parse(value(STARTED_AT));
    }

    /** The last change of serving process. */
    public Transition lastTransition() {
        return Transition.valueOf(value(LAST_TRANSITION).toUpperCase(java.util.Locale.ROOT));
    }

    /** When the last transition happened; empty if none did. */
    public Optional<Instant> lastTransitionAt() {
        String v = value(LAST_TRANSITION_AT);
        return v.equals(NONE) ? Optional.empty() : Optional.of(Instant.parse(v));
    }

    /** How long the last transition left the socket unanswered, in milliseconds; empty if none happened. */
    public OptionalLong lastTransitionPauseMs() {
        String v = value(LAST_TRANSITION_PAUSE_MS);
        return v.equals(NONE) ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(v));
    }

    /** The daemon's version. */
    public String version() {
        return value(VERSION);
    }

    /** A time in the wire format: UTC with milliseconds, e.g. {@code 2026-11-24T04:32:30.123Z}. */
    public static String formatTime(Instant time) {
        return TIME.format(time);
    }

    private String value(String key) {
        String v = byKey.get(key);
        if (v == null) throw new NoSuchElementException("STATUS has no key " + key);
        return v;
    }

    private void checkFormats() {
        checkDecimal(SERVING_PID, false);
        checkDecimal(STANDBY_PID, true);
        if (role().isEmpty()) throw new IllegalArgumentException("STATUS role is empty");
        checkDecimal(ENTRIES, false);
        checkDecimal(FDS, false);
        checkDecimal(FD_LIMIT, false);
        checkDecimal(CAPACITY, false);
        checkTime(STARTED_AT, false);
        String transition = value(LAST_TRANSITION);
        boolean known = false;
        for (Transition t : Transition.values()) known |= t.wire().equals(transition);
        if (!known) {
            throw new IllegalArgumentException("STATUS last_transition " + Quote.of(transition)
                    + " is none of none, handover, failover");
        }
        checkTime(LAST_TRANSITION_AT, true);
        checkDecimal(LAST_TRANSITION_PAUSE_MS, true);
    }

    private void checkDecimal(String key, boolean noneAllowed) {
        String v = value(key);
        if (noneAllowed && v.equals(NONE)) return;
        if (!DECIMAL.matcher(v).matches() || (key.endsWith("_pid") && Long.parseLong(v) > Integer.MAX_VALUE)) {
            throw new IllegalArgumentException("STATUS " + key + " " + Quote.of(v) + " is not a decimal number"
                    + (noneAllowed ? " or " + NONE : ""));
        }
    }

    private void checkTime(String key, boolean noneAllowed) {
        String v = value(key);
        if (noneAllowed && v.equals(NONE)) return;
        try {
            Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("STATUS " + key + " " + Quote.of(v) + " is not a UTC time such as "
                    + "2026-11-24T04:32:30.123Z" + (noneAllowed ? " or " + NONE : ""));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DaemonStatus s && fields.equals(s.fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    @Override
    public String toString() {
        return "DaemonStatus" + fields;
    }

    /** Fills in the keys of version 1 in their order, then any others. Not thread safe. */
    public static final class Builder {
        private final Map<String, String> known = new LinkedHashMap<>();
        private final List<Field> extra = new ArrayList<>();

        private Builder() {
            known.put(STANDBY_PID, NONE);
            known.put(ROLE, ROLE_SERVING);
            known.put(LAST_TRANSITION, Transition.NONE.wire());
            known.put(LAST_TRANSITION_AT, NONE);
            known.put(LAST_TRANSITION_PAUSE_MS, NONE);
        }

        /** The serving process. */
        public Builder servingPid(int pid) {
            known.put(SERVING_PID, Integer.toString(pid));
            return this;
        }

        /** The standby, or 0 for none (the default). */
        public Builder standbyPid(int pid) {
            known.put(STANDBY_PID, pid == 0 ? NONE : Integer.toString(pid));
            return this;
        }

        /** The entry count, the serving process's fd count and fd limit, and the store's capacity. */
        public Builder counts(long entries, long fds, long fdLimit, long capacity) {
            known.put(ENTRIES, Long.toString(entries));
            known.put(FDS, Long.toString(fds));
            known.put(FD_LIMIT, Long.toString(fdLimit));
            known.put(CAPACITY, Long.toString(capacity));
            return this;
        }

        /** When the store started. */
        public Builder startedAt(Instant time) {
            known.put(STARTED_AT, formatTime(time));
            return this;
        }

        /** The last transition (default: none). */
        public Builder lastTransition(Transition kind, Instant at, long pauseMs) {
            known.put(LAST_TRANSITION, kind.wire());
            known.put(LAST_TRANSITION_AT, kind == Transition.NONE ? NONE : formatTime(at));
            known.put(LAST_TRANSITION_PAUSE_MS, kind == Transition.NONE ? NONE : Long.toString(pauseMs));
            return this;
        }

        /** The daemon's version. */
        public Builder version(String version) {
            known.put(VERSION, version);
            return this;
        }

        /** A key of a later version, sent after those of version 1. */
        public Builder add(String key, String value) {
            extra.add(new Field(key, value));
            return this;
        }

        /**
         * The status.
         *
         * @throws IllegalArgumentException if a key of version 1 was not set, or a value is out of its format
         */
        public DaemonStatus build() {
            List<Field> all = new ArrayList<>();
            for (String key : KEYS) {
                String v = known.get(key);
                if (v == null) throw new IllegalArgumentException("STATUS lacks the key " + key);
                all.add(new Field(key, v));
            }
            all.addAll(extra);
            return new DaemonStatus(all);
        }
    }
}
