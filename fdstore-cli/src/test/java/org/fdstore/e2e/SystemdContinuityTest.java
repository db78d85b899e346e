package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.fdstore.protocol.DaemonStatus;
import org.junit.jupiter.api.Test;

/**
 * Entries stored through the notify socket, several under one name, survive a failover (kill -9 of the serving
 * daemon) and a handover (daemon --takeover) with their ids and shared names, and the new serving daemon receives
 * on the notify socket in turn.
 */
class SystemdContinuityTest {
    private static void awaitStore(MirroredStore store, String expected) {
        Await.until("the store to hold " + expected, Duration.ofSeconds(60), () -> {
            try {
                return StoreSnapshot.of(store.socket()).equals(expected);
            } catch (Exception e) {
                return false;   // between two serving processes
            }
        }, () -> store.first().logText());
    }

    @Test
    void notifyEntries_surviveFailoverAndHandover_andTheNotifySocketKeepsServing() throws Exception {
        Path dir = PeerClasspath.newSharedDir("notify-continuity");
        Path notify = dir.resolve("notify.sock");
        Path python = Scripts.copy("notify_fds.py", dir);
        Path a = Files.writeString(dir.resolve("a.txt"), "alpha");
        Path b = Files.writeString(dir.resolve("b.txt"), "bravo");
        try (MirroredStore store = MirroredStore.start(dir, "--notify-socket", notify.toString())) {
            SystemdClients.pythonNotify(python, notify, List.of(), "FDSTORE=1\nFDNAME=web", a.toString(),
                    a.toString()).ok();
            awaitStore(store, "1:uid.0/web 2:uid.0/web");
            DaemonStatus first = store.status();
            int standby = MirroredStore.pidOf(first.standbyPid());
            Await.until("the standby to mirror both fds", Duration.ofSeconds(30),
                    () -> MirroredStore.fdsTo(standby, a) == 2);

            store.kill(first.servingPid());
            DaemonStatus afterFailover = store.awaitServingOtherThan(first.servingPid());

            assertThat(afterFailover.lastTransition()).isEqualTo(DaemonStatus.Transition.FAILOVER);
            awaitStore(store, "1:uid.0/web 2:uid.0/web");
            SystemdClients.pythonNotify(python, notify, List.of(), "FDSTORE=1\nFDNAME=more", b.toString()).ok();
            awaitStore(store, "1:uid.0/web 2:uid.0/web 3:uid.0/more");

            Process successor = store.takeover();
            DaemonStatus afterHandover = store.awaitServingOtherThan(afterFailover.servingPid());

            assertThat(afterHandover.servingPid()).isEqualTo(successor.pid());
            awaitStore(store, "1:uid.0/web 2:uid.0/web 3:uid.0/more");
            SystemdClients.pythonNotify(python, notify, List.of(), "FDSTOREREMOVE=1\nFDNAME=web").ok();
            awaitStore(store, "3:uid.0/more");
            assertThat(store.status().get("notify_socket")).contains(notify.toString());
        }
    }
}
