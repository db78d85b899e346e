package org.fdstore.daemon.lifetime;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.fdstore.daemon.registry.Entry;
import org.fdstore.linux.Epoll;
import org.fdstore.linux.EventFd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Pidfd;
import org.fdstore.linux.Unistd;
import org.fdstore.protocol.Lifetime;

/**
 * Ends entries when their lifetime says so, on the daemon's event-loop thread:
 * <ul>
 *   <li>a time to live, kept in a deadline set that the loop's epoll timeout and tick serve;</li>
 *   <li>owner-bound: a pidfd of the saving process sits in the loop's epoll and turns readable when it exits; then
 *       a grace deadline starts, and a restore before it rebinds the entry to the restoring process;</li>
 *   <li>hang-up: the stored fd itself sits in the epoll for EPOLLHUP and EPOLLERR. Regular files and directories
 *       cannot be added to epoll (EPERM): they never hang up, and are not watched.</li>
 * </ul>
 * When one ends, {@link Ender#end} is called, which must release the entry and call {@link #forget}.
 *
 * <p>One pidfd per owner process, shared by all its owner-bound entries and closed with the last of them. On
 * kernels with pidfs (6.9+) a pidfd's inode names its process for the life of the system, so the process is
 * recognised across connections; before that each save gets its own pidfd. These pidfds count as stored fds
 * ({@link #ownerFds()}) against the store's capacity.
 *
 * <p>Not thread safe: the event loop owns it, as it owns the registry.
 */
public final class Lifetimes implements AutoCloseable {
    /** Tokens from here up are ours; the event loop's own are small numbers. */
    public static final long TOKEN_BASE = 1L << 62;

    /** Receives the entries whose lifetime ended. */
    public interface Ender {
        /** Releases {@code entry} (and calls {@link #forget}), logging {@code why}. */
        void end(Entry entry, Expiry why);
    }

    /**
     * What INSPECT shows of an entry's lifetime.
     *
     * @param expiresAtMillis when the TTL runs out; 0 without one
     * @param boundPid the process an owner-bound entry is bound to; 0 if not owner-bound
     * @param ownerExitedAtMillis when that process exited; 0 while it lives
     * @param hangupWatched whether the fd is watched for hang-up
     */
    public record State(long expiresAtMillis, int boundPid, long ownerExitedAtMillis, boolean hangupWatched) {}

    private final Watcher watcher;
    private final Clock clock;
    private final Ender ender;
    private final Map<Entry, Track> tracks = new IdentityHashMap<>();
    private final Map<Long, Track> hangups = new HashMap<>();
    private final Map<Long, Owner> ownersByToken = new HashMap<>();
    private final Map<Long, Owner> ownersByKey = new HashMap<>();
    private final TreeSet<Deadline> deadlines = new TreeSet<>();
    private long nextToken = TOKEN_BASE;
    private long nextSequence;
    /** Null until the first owner-bound save asks whether pidfd inodes name processes. */
    private Boolean pidfsInodes;

    /** Per entry: its lifetime's state. */
    private static final class Track {
        final Entry entry;
        long hangupToken;
        Owner owner;
        int boundPid;
        long ownerExitedAt;
        Deadline ttl;
        Deadline grace;

        Track(Entry entry) {
            this.entry = entry;
        }
    }

    /** One watched owner process and its entries. */
    private static final class Owner {
        final Pidfd pidfd;
        final long token;
        final long key;
        final List<Track> tracks = new ArrayList<>(1);

        Owner(Pidfd pidfd, long token, long key) {
            this.pidfd = pidfd;
            this.token = token;
            this.key = key;
        }
    }

    /** A point in time at which a track's TTL or grace ends; {@code sequence} keeps equal times apart. */
    private record Deadline(long atMillis, long sequence, Track track, Expiry why) implements Comparable<Deadline> {
        @Override
        public int compareTo(Deadline o) {
            int c = Long.compare(atMillis, o.atMillis);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    /** Lifetimes that watch through {@code watcher}, tell time by {@code clock} and end entries through {@code ender}. */
    public Lifetimes(Watcher watcher, Clock clock, Ender ender) {
        this.watcher = watcher;
        this.clock = clock;
        this.ender = ender;
    }

    /** Whether an epoll token belongs to this object. */
    public static boolean owns(long token) {
        return token >= TOKEN_BASE;
    }

    /**
     * Starts the lifetime of a just-stored entry.
     *
     * @param owner for an owner-bound entry, a pidfd of the saving process, which this object then owns; null if
     *     that process could not be named any more (it has exited: the grace starts now). Closed at once for an
     *     entry that is not owner-bound.
     */
    public void track(Entry entry, Pidfd owner) {
        Lifetime lifetime = entry.lifetime();
        Track track = new Track(entry);
        tracks.put(entry, track);
        long now = clock.millis();
        if (lifetime.ttlMillis() != 0) {
            track.ttl = schedule(track, saturatingAdd(entry.savedAtMillis(), lifetime.ttlMillis()), Expiry.TTL);
        }
        if (lifetime.ownerBound()) {
            track.boundPid = entry.owner().pid();
            if (owner == null) ownerGone(track, now);
            else bind(track, owner);
        } else if (owner != null) {
            owner.close();
        }
        if (!lifetime.keepOnHangup()) watchHangup(track);
        dropIfIdle(track);
    }

    /**
     * Starts the lifetime of an entry that moved over from another daemon, in the state it had there: bound to
     * {@code boundPid} (whose pidfd {@code owner} came along; this object then owns it), or in its grace since
     * {@code ownerExitedAtMillis}. A TTL counts from the entry's saved-at time, as before the move.
     */
    public void adopt(Entry entry, Pidfd owner, int boundPid, long ownerExitedAtMillis) {
        Lifetime lifetime = entry.lifetime();
        if (!lifetime.ownerBound()) {
            track(entry, owner);
            return;
        }
        Track track = new Track(entry);
        tracks.put(entry, track);
        if (lifetime.ttlMillis() != 0) {
            track.ttl = schedule(track, saturatingAdd(entry.savedAtMillis(), lifetime.ttlMillis()), Expiry.TTL);
        }
        track.boundPid = boundPid;
        if (owner != null) {
            if (ownerExitedAtMillis != 0) owner.close();
            else bind(track, owner);
        }
        if (track.owner == null && track.grace == null) {
            ownerGone(track, ownerExitedAtMillis != 0 ? ownerExitedAtMillis : clock.millis());
        }
        if (!lifetime.keepOnHangup()) watchHangup(track);
        dropIfIdle(track);
    }

    /** The pidfd of the process an owner-bound entry is bound to while it lives, owned here; null otherwise. */
    public Pidfd owner(Entry entry) {
        Track track = tracks.get(entry);
        return track == null || track.owner == null ? null : track.owner.pidfd;
    }

    /** Whether {@code entry} is owner-bound and its owner has exited: a restore now may claim it. */
    public boolean inGrace(Entry entry) {
        Track track = tracks.get(entry);
        return track != null && entry.lifetime().ownerBound() && track.owner == null;
    }

    /**
     * Binds an owner-bound entry in its grace to the process that just restored it: the grace ends, and the entry
     * lives as long as that process. Takes ownership of {@code restorer}.
     */
    public void rebind(Entry entry, Pidfd restorer) {
        Track track = tracks.get(entry);
        if (track == null || !inGrace(entry)) {
            restorer.close();
            return;
        }
        if (track.grace != null) deadlines.remove(track.grace);
        track.grace = null;
        track.ownerExitedAt = 0;
        track.boundPid = restorer.pid();
        bind(track, restorer);
    }

    /** Stops tracking {@code entry}; call before its fd is closed, so that it leaves the epoll set first. */
    public void forget(Entry entry) {
        Track track = tracks.remove(entry);
        if (track == null) return;
        if (track.hangupToken != 0) {
            hangups.remove(track.hangupToken);
            watcher.unwatch(entry.fd());
        }
        if (track.ttl != null) deadlines.remove(track.ttl);
        if (track.grace != null) deadlines.remove(track.grace);
        Owner owner = track.owner;
        if (owner != null) {
            owner.tracks.remove(track);
            if (owner.tracks.isEmpty()) dropOwner(owner);
        }
    }

    /** Handles an epoll event whose token {@link #owns}. */
    public void handle(long token, int events) {
        Track hungUp = hangups.get(token);
        if (hungUp != null) {
            ender.end(hungUp.entry, Expiry.HANGUP);
            return;
        }
        Owner owner = ownersByToken.get(token);
        if (owner == null) return;   // Already forgotten earlier in the same batch of events.
        dropOwner(owner);
        long now = clock.millis();
        for (Track track : List.copyOf(owner.tracks)) {
            track.owner = null;
            ownerGone(track, now);
        }
        expireDue();
    }

    /** Ends every entry whose TTL or grace has run out by now. */
    public void expireDue() {
        long now = clock.millis();
        while (!deadlines.isEmpty() && deadlines.first().atMillis() <= now) {
            Deadline due = deadlines.pollFirst();
            if (tracks.get(due.track().entry) != due.track()) continue;
            ender.end(due.track().entry, due.why());
        }
    }

    /** Milliseconds until the next deadline, at most {@code max} (and {@code max} when there is none). */
    public int millisUntilNextDeadline(int max) {
        if (deadlines.isEmpty()) return max;
        long wait = deadlines.first().atMillis() - clock.millis();
        return (int) Math.max(0, Math.min(max, wait));
    }

    /** Pidfds held for owners: descriptors that count against the store's capacity. */
    public int ownerFds() {
        return ownersByToken.size();
    }

    /** The lifetime state of {@code entry}, for INSPECT. */
    public State state(Entry entry) {
        Track track = tracks.get(entry);
        if (track == null) return new State(0, 0, 0, false);
        return new State(track.ttl == null ? 0 : track.ttl.atMillis(), track.boundPid, track.ownerExitedAt,
                track.hangupToken != 0);
    }

    /** Closes the owners' pidfds; the epoll set they were in is gone by now. */
    @Override
    public void close() {
        ownersByToken.values().forEach(o -> o.pidfd.close());
        ownersByToken.clear();
        ownersByKey.clear();
        tracks.clear();
        hangups.clear();
        deadlines.clear();
    }

    /**
     * Forgets a track that has nothing to watch (no TTL, not owner-bound, a file that cannot hang up): most entries,
     * which then cost no memory here. Every query treats an untracked entry as such.
     */
    private void dropIfIdle(Track track) {
        if (track.ttl == null && !track.entry.lifetime().ownerBound() && track.hangupToken == 0) {
            tracks.remove(track.entry);
        }
    }

    private void watchHangup(Track track) {
        // Regular files, directories and symlinks never hang up, and epoll refuses most of them (EPERM). Not even
        // trying matters for files on a FUSE mount, whose poll is a FUSE_POLL request: a server that never answers
        // would stall the event loop inside epoll_ctl. A file of unknown kind is one whose mount refused the daemon's
        // stat, a FUSE mount: not tried either.
        switch (track.entry.kind()) {
            case REGULAR, DIRECTORY, SYMLINK, UNKNOWN -> {
                return;
            }
            default -> { }
        }
        long token = nextToken++;
        try {
            watcher.watch(track.entry.fd(), Epoll.EPOLLHUP | Epoll.EPOLLERR, token);
            track.hangupToken = token;
            hangups.put(token, track);
        } catch (LinuxException e) {
            // EPERM: a file type without poll, such as /dev/null; EBADF: an O_PATH fd. Neither hangs up.
        }
    }

    private void bind(Track track, Pidfd pidfd) {
        long key = ownerKey(pidfd);
        Owner owner = ownersByKey.get(key);
        if (owner != null) {
            pidfd.close();
        } else {
            owner = new Owner(pidfd, nextToken++, key);
            try {
                watcher.watch(pidfd.fd(), Epoll.EPOLLIN, owner.token);
            } catch (LinuxException e) {
                pidfd.close();
                ownerGone(track, clock.millis());
                return;
            }
            ownersByToken.put(owner.token, owner);
            ownersByKey.put(key, owner);
        }
        owner.tracks.add(track);
        track.owner = owner;
    }

    private void ownerGone(Track track, long now) {
        track.ownerExitedAt = now;
        track.grace = schedule(track, saturatingAdd(now, track.entry.lifetime().graceMillisUnsigned()),
                Expiry.OWNER_EXITED);
    }

    private void dropOwner(Owner owner) {
        ownersByToken.remove(owner.token);
        ownersByKey.remove(owner.key);
        watcher.unwatch(owner.pidfd.fd());
        owner.pidfd.close();
    }

    private Deadline schedule(Track track, long atMillis, Expiry why) {
        Deadline d = new Deadline(atMillis, nextSequence++, track, why);
        deadlines.add(d);
        return d;
    }

    /** The pidfs inode of the owner, or a fresh negative key where inodes do not name processes. */
    private long ownerKey(Pidfd pidfd) {
        if (pidfsInodes == null) pidfsInodes = detectPidfs();
        if (pidfsInodes) {
            try {
                return pidfd.inode();
            } catch (LinuxException e) {
                // Fall through: no sharing for this one.
            }
        }
        return -(nextSequence++) - 1;
    }

    /** Whether a pidfd's inode differs from another anonymous fd's: then pidfds live in pidfs, one inode each. */
    private static boolean detectPidfs() {
        try (Pidfd self = Pidfd.open(Unistd.getpid()); EventFd anonymous = EventFd.create()) {
            return self.inode() != anonymous.fd().describe().stat().ino();
        } catch (LinuxException e) {
            return false;
        }
    }

    private static long saturatingAdd(long base, long millis) {
        long sum = base + millis;
        return millis < 0 || sum < base ? Long.MAX_VALUE : sum;
    }
}
