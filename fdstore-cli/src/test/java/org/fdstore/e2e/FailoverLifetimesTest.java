package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.fdstore.client.FdStore;
import org.fdstore.protocol.DaemonStatus;
import org.fdstore.protocol.EntryInfo;
import org.fdstore.protocol.InspectInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lifetimes across a failover. The standby adopts each entry as it follows its server, and applies removes and the
 * rebinding of owner-bound entries as they happen: the process that takes over after kill -9 serves exactly the
 * entries left, each in the lifetime state it had, and watches the owners its predecessor watched.
 */
class FailoverLifetimesTest {
    private static final long HOUR_MILLIS = 3_600_000;
    private static final Path DEV_NULL = Path.of("/dev/null");

    @TempDir Path dir;

    @Test
    void killServer_theStandbyServesEachEntryInItsLifetimeState() throws Exception {
        try (MirroredStore store = MirroredStore.start(dir);
             Peer saver = Peer.root(store.socket());
             Peer claimer = Peer.root(store.socket())) {
            saver.ok("save gone");
            saver.ok("remove gone");
            saver.ok("save ttl ttl=" + HOUR_MILLIS);
            saver.ok("save claim owner=" + HOUR_MILLIS);
            saver.kill();
            awaitClaim(store, "the saver's exit to be seen", i -> i.ownerExitedAtMillis() != 0);
            claimer.ok("restore claim");
            awaitClaim(store, "the claimer to own the entry", i -> i.boundPid() == claimer.pid);
            InspectInfo ttlBefore = inspect(store, "ttl");

            DaemonStatus before = store.status();
            int standby = MirroredStore.pidOf(before.standbyPid());
            // The entries are fds of /dev/null, as is each process's stdin: compared with the standby's own count.
            int heldAsStandby = MirroredStore.fdsTo(standby, DEV_NULL);
            assertThat(heldAsStandby).as("the standby holds both entries").isGreaterThanOrEqualTo(2);
            store.kill(before.servingPid());
            assertThat(store.awaitServingOtherThan(before.servingPid()).servingPid()).isEqualTo(standby);

            try (FdStore client = FdStore.connect(store.socket().toString())) {
                assertThat(client.list().stream().map(EntryInfo::name)).containsExactlyInAnyOrder("ttl", "claim");
            }
            InspectInfo ttl = inspect(store, "ttl");
            assertThat(ttl.entry().id()).isEqualTo(ttlBefore.entry().id());
            assertThat(ttl.expiresAtMillis()).isEqualTo(ttlBefore.expiresAtMillis());
            InspectInfo claim = inspect(store, "claim");
            assertThat(claim.boundPid()).isEqualTo(claimer.pid);
            assertThat(claim.ownerExitedAtMillis()).isZero();

            claimer.kill();   // Seen only if the new process watches the owner its predecessor rebound the entry to.
            awaitClaim(store, "the claimer's exit to be seen after the failover", i -> i.ownerExitedAtMillis() != 0);
            // Taking over opened no descriptor of its own to an entry's file, and closed none.
            Await.until("the new server to hold the entries' fds it held as standby", Duration.ofSeconds(10),
                    () -> MirroredStore.fdsTo(standby, DEV_NULL) == heldAsStandby, store::logText);
        }
    }

    private static InspectInfo inspect(MirroredStore store, String name) throws Exception {
        try (FdStore client = FdStore.connect(store.socket().toString())) {
            return client.inspect().stream().filter(i -> i.entry().name().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no entry " + name + "\n" + store.logText()));
        }
    }

    private static void awaitClaim(MirroredStore store, String what, Predicate<InspectInfo> condition) {
        Await.until(what, Duration.ofSeconds(30), () -> {
            try {
                return condition.test(inspect(store, "claim"));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, store::logText);
    }
}
