package org.fdstore.daemon.lifetime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fdstore.daemon.registry.Entry;
import org.fdstore.daemon.registry.Registry;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.PeerCredentials;
import org.fdstore.linux.Pidfd;
import org.fdstore.linux.Stat;
import org.fdstore.protocol.Lifetime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lifetimes with a clock the test moves and a fake epoll set; owner pidfds are real. */
class LifetimesTest {
    /** A clock that moves only when told. */
    static final class TestClock extends Clock {
        long millis = 1_000_000;

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** Records what is watched; refuses regular files as epoll does. */
    static final class FakeWatcher implements Watcher {
        final Map<Long, Fd> watched = new HashMap<>();

        @Override
        public void watch(Fd fd, int events, long token) throws LinuxException {
            if (Stat.fstat(fd).type() == Stat.S_IFREG) throw new LinuxException("epoll_ctl", Errno.EPERM);
            watched.put(token, fd);
        }

        @Override
        public void unwatch(Fd fd) {
            watched.values().remove(fd);
        }

        long tokenOf(Fd fd) {
            return watched.entrySet().stream().filter(e -> e.getValue() == fd).findFirst().orElseThrow().getKey();
        }
    }

    @TempDir
    java.nio.file.Path dir;

    private final TestClock clock = new TestClock();
    private final FakeWatcher watcher = new FakeWatcher();
    private final Registry registry = new Registry(100);
    private final List<String> ended = new ArrayList<>();
    private final Lifetimes lifetimes = new Lifetimes(watcher, clock, (entry, why) -> {
        ended.add(entry.name() + ":" + why.word());
        lifetimes().forget(entry);
        registry.remove(entry);
        entry.fd().close();
    });

    private Lifetimes lifetimes() {
        return lifetimes;
    }

    @AfterEach
    void closeAll() {
        lifetimes.close();
        registry.closeAll();
    }

    private Entry add(String name, String path, Lifetime lifetime) throws Exception {
        Fd fd = Fcntl.open(path, Fcntl.O_RDONLY, 0);
        return registry.add(fd, fd.describe(), "ns", name, new byte[0], new PeerCredentials(1, 0, 0), clock.millis(),
                lifetime);
    }

    @Test
    void ttl_clockPassesDeadline_entryEndsThenAndNotBefore() throws Exception {
        lifetimes.track(add("t", "/dev/null", new Lifetime(5_000, false, 0, true)), null);
        assertThat(lifetimes.millisUntilNextDeadline(1000)).isEqualTo(1000);

        clock.millis += 4_999;
        lifetimes.expireDue();
        assertThat(ended).isEmpty();
        assertThat(lifetimes.millisUntilNextDeadline(1000)).isEqualTo(1);

        clock.millis += 1;
        lifetimes.expireDue();
        assertThat(ended).containsExactly("t:ttl");
        assertThat(lifetimes.millisUntilNextDeadline(1000)).isEqualTo(1000);
    }

    @Test
    void forget_beforeDeadline_leavesNoDeadlineOrWatch() throws Exception {
        Entry e = add("f", "/dev/null", new Lifetime(Long.MAX_VALUE, false, 0, false));
        lifetimes.track(e, null);
        lifetimes.forget(e);
        assertThat(lifetimes.millisUntilNextDeadline(700)).isEqualTo(700);
        assertThat(watcher.watched).isEmpty();
    }

    @Test
    void hangup_watchedFdReportsHup_entryEnds_regularFilesAreNotWatched() throws Exception {
        Entry chardev = add("dev", "/dev/null", Lifetime.DEFAULT);
        lifetimes.track(chardev, null);
        java.nio.file.Files.writeString(dir.resolve("plain"), "x");
        Entry file = add("file", dir.resolve("plain").toString(), Lifetime.DEFAULT);
        lifetimes.track(file, null);
        assertThat(lifetimes.state(file).hangupWatched()).isFalse();
        assertThat(lifetimes.state(chardev).hangupWatched()).isTrue();

        lifetimes.handle(watcher.tokenOf(chardev.fd()), 0x10);
        assertThat(ended).containsExactly("dev:hangup");
        assertThat(watcher.watched).isEmpty();
        lifetimes.handle(42 + Lifetimes.TOKEN_BASE, 0x10);   // a stale token is ignored
        assertThat(ended).hasSize(1);
    }

    @Test
    void ownerBound_ownerExits_graceRunsThenEntryEnds_unlessClaimed() throws Exception {
        Process saver = new ProcessBuilder("sleep", "600").start();
        Process restorer = new ProcessBuilder("sleep", "600").start();
        try {
            Entry released = add("released", "/dev/null", new Lifetime(0, true, 3_000, true));
            Entry claimed = add("claimed", "/dev/null", new Lifetime(0, true, 3_000, true));
            lifetimes.track(released, Pidfd.open((int) saver.pid()));
            lifetimes.track(claimed, Pidfd.open((int) saver.pid()));
            assertThat(lifetimes.ownerFds()).as("one pidfd per owner process").isEqualTo(1);
            long token = watcher.watched.keySet().iterator().next();

            saver.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            lifetimes.handle(token, 0x1);
            assertThat(lifetimes.ownerFds()).isZero();
            assertThat(lifetimes.inGrace(released)).isTrue();
            assertThat(lifetimes.state(released).ownerExitedAtMillis()).isEqualTo(clock.millis);

            clock.millis += 1_000;
            lifetimes.rebind(claimed, Pidfd.open((int) restorer.pid()));
            assertThat(lifetimes.inGrace(claimed)).isFalse();
            assertThat(lifetimes.state(claimed).boundPid()).isEqualTo((int) restorer.pid());

            clock.millis += 2_000;
            lifetimes.expireDue();
            assertThat(ended).containsExactly("released:owner_exited");
            assertThat(lifetimes.ownerFds()).isEqualTo(1);
        } finally {
            saver.destroyForcibly();
            restorer.destroyForcibly();
        }
    }

    @Test
    void ownerBound_ownerAlreadyGone_graceStartsAtSave() throws Exception {
        Entry orphan = add("orphan", "/dev/null", new Lifetime(0, true, 0, true));
        lifetimes.track(orphan, null);
        assertThat(lifetimes.inGrace(orphan)).isTrue();
        lifetimes.expireDue();
        assertThat(ended).containsExactly("orphan:owner_exited");
    }
}
