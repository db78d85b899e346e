package org.fdstore.daemon.observe;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The audit trail: one key=value line per save, restore, take, remove, drop and expiry (the per-entry ones at
 * {@link LogLevel#DEBUG} when they go to the daemon's log), with the peer's pid and
 * uid, the entry, its namespace and the result; and the refused requests, at most {@link #REFUSALS_PER_WINDOW} lines
 * per uid in each {@link #WINDOW_MILLIS} window, so that a hostile peer cannot flood the log. What a window
 * suppressed is summed up in one {@code refusals_suppressed} line when it ends.
 *
 * <p>Lines go to the daemon's log (stderr) or to the file of {@code --audit-log}, through an {@link EventLog}.
 * Not thread safe: the event loop owns it.
 */
public final class AuditLog implements AutoCloseable {
    /** Refusal lines a uid may cause per window. */
    static final int REFUSALS_PER_WINDOW = 20;
    /** The rate-limit window. */
    static final long WINDOW_MILLIS = 10_000;
    /** Beyond this many uids with open windows, the oldest windows are closed early. */
    private static final int MAX_WINDOWS = 4096;

    private final Clock clock;
    /** The file of {@code --audit-log}, reopened on SIGHUP so that logrotate can move it; null for stderr. */
    private final Path file;
    private PrintStream fileStream;
    private EventLog log;
    private final Map<Integer, Window> windows = new HashMap<>();

    private static final class Window {
        final long start;
        int logged;
        long suppressed;

        Window(long start) {
            this.start = start;
        }
    }

    /** An audit log writing through {@code log}, with rate-limit windows timed by {@code clock}. */
    public AuditLog(EventLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
        this.file = null;
    }

    private AuditLog(Path file, Clock clock) throws IOException {
        this.clock = clock;
        this.file = file;
        open();
    }

    /**
     * An audit log appending to {@code file}, created with mode 0600 if missing.
     *
     * @throws IOException if it cannot be opened
     */
    public static AuditLog toFile(Path file, Clock clock) throws IOException {
        return new AuditLog(file, clock);
    }

    /** Reopens the file, if this log writes one (after logrotate moved it); keeps the old one if that fails. */
    public void reopen() {
        if (file == null) return;
        PrintStream old = fileStream;
        EventLog oldLog = log;
        try {
            open();
            oldLog.closeBatch();   // The lines held so far belong to the old file.
            old.close();
        } catch (IOException e) {
            log.warning("audit_log_error", "file", file, "reason", e.getMessage());
        }
    }

    private void open() throws IOException {
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        fileStream = new PrintStream(new FileOutputStream(file.toFile(), true), true, StandardCharsets.UTF_8);
        // The operator asked for an audit trail: the file has every line, whatever the daemon's log level.
        log = new EventLog(fileStream, Clock.systemUTC(), LogLevel.DEBUG);
    }

    /** Closes the file, if any. */
    @Override
    public void close() {
        if (fileStream != null) fileStream.close();
    }

    /** Holds the lines from now on until {@link #closeBatch()}: see {@link EventLog#openBatch()}. */
    public void openBatch() {
        log.openBatch();
    }

    /** Writes the lines held since {@link #openBatch()}. */
    public void closeBatch() {
        log.closeBatch();
    }

    /** Logs an operator's action that was carried out (a drop): always. */
    public void record(String event, Object... keysAndValues) {
        log.log(event, keysAndValues);
    }

    /**
     * Logs an operation on one entry that was carried out (save, restore, take, remove, expire): always in the
     * file of {@code --audit-log}, at {@link LogLevel#DEBUG} in the daemon's log, where a FUSE mount's inodes would
     * otherwise write a line each.
     */
    public void entry(String event, Object... keysAndValues) {
        log.debug(event, keysAndValues);
    }

    /** Logs a refused request of a peer with {@code uid}, unless that uid has used up its window. */
    public void refusal(int uid, String event, Object... keysAndValues) {
        limited(uid, LogLevel.INFO, event, keysAndValues);
    }

    /**
     * Logs a request that named no entry (ENOENT) as {@link #refusal} does, but at {@link LogLevel#DEBUG} in the
     * daemon's log: a client waiting for an entry to appear asks again and again, and a miss refuses no right.
     */
    public void miss(int uid, String event, Object... keysAndValues) {
        limited(uid, LogLevel.DEBUG, event, keysAndValues);
    }

    private void limited(int uid, LogLevel level, String event, Object... keysAndValues) {
        long now = clock.millis();
        Window w = windows.get(uid);
        if (w != null && now - w.start >= WINDOW_MILLIS) {
            summarize(uid, w);
            windows.remove(uid);
            w = null;
        }
        if (w == null) {
            if (windows.size() >= MAX_WINDOWS) flush(Long.MAX_VALUE);
            w = new Window(now);
            windows.put(uid, w);
        }
        if (w.logged < REFUSALS_PER_WINDOW) {
            w.logged++;
            if (level == LogLevel.DEBUG) log.debug(event, keysAndValues);
            else log.log(event, keysAndValues);
        } else {
            w.suppressed++;
        }
    }

    /** Closes the windows that have ended, summing up what they suppressed; called from the loop's tick. */
    public void tick() {
        flush(clock.millis());
    }

    private void flush(long now) {
        for (Iterator<Map.Entry<Integer, Window>> it = windows.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, Window> e = it.next();
            if (now != Long.MAX_VALUE && now - e.getValue().start < WINDOW_MILLIS) continue;
            summarize(e.getKey(), e.getValue());
            it.remove();
        }
    }

    private void summarize(int uid, Window w) {
        if (w.suppressed == 0) return;
        log.log("refusals_suppressed", "uid", Integer.toUnsignedString(uid), "count", w.suppressed,
                "window_ms", WINDOW_MILLIS);
    }
}
