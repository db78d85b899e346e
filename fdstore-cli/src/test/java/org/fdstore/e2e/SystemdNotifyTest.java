package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.fdstore.client.FdStore;
import org.fdstore.client.FdStoreException;
import org.fdstore.client.Restored;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.protocol.DaemonStatus;
import org.fdstore.protocol.EntryInfo;
import org.fdstore.protocol.Selector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The notify socket against unmodified systemd clients: libsystemd's sd_pid_notify_with_fds (C, compiled here) and
 * python3-systemd's notify. FDSTORE=1 stores, FDNAME names (duplicates allowed), FDSTOREREMOVE=1 removes, FDPOLL=0
 * keeps an fd on hang-up, other keys are recorded; nothing leaks.
 */
class SystemdNotifyTest {
    private static Path dir;
    private static Path notify;
    private static Path sdNotify;
    private static Path pythonNotify;
    private static DaemonProcess daemon;
    @RegisterExtension
    final ClearedAfterEach cleared = new ClearedAfterEach(() -> daemon);

    @BeforeAll
    static void start() throws Exception {
        dir = PeerClasspath.newSharedDir("notify");
        notify = dir.resolve("notify.sock");
        sdNotify = SystemdClients.compileSdNotify(dir);
        pythonNotify = Scripts.copy("notify_fds.py", dir);
        Files.writeString(dir.resolve("a.txt"), "alpha");
        Files.writeString(dir.resolve("b.txt"), "bravo");
        daemon = DaemonProcess.start(dir, "--notify-socket", notify.toString(), "--log-level", "debug");
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) assertThat(daemon.stop()).isZero();
        assertThat(notify).as("the notify socket is removed at exit").doesNotExist();
    }

    private static void awaitStore(String expected) {
        Await.until("the store to hold " + expected, Duration.ofSeconds(30), () -> {
            try {
                return StoreSnapshot.of(daemon.socket()).equals(expected);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, () -> {
            try {
                return "(holds " + StoreSnapshot.of(daemon.socket()) + ") " + daemon.logText();
            } catch (Exception e) {
                return e.toString();
            }
        });
    }

    @Test
    void libsystemd_twoFdsUnderOneNameThenFdstoreremove_storesBothThenRemovesBoth() throws Exception {
        Map<String, String> env = Map.of("NOTIFY_SOCKET", notify.toString());
        SystemdClients.run(env, List.of(sdNotify.toString(), "FDSTORE=1\nFDNAME=web",
                dir.resolve("a.txt").toString(), dir.resolve("b.txt").toString())).ok();

        awaitStore("1:uid.0/web 2:uid.0/web");
        daemon.awaitFdCount(cleared.baselineFds() + 2);
        try (FdStore store = FdStore.connect(daemon.socket().toString());
             Restored first = store.restore(new Selector.ById(1)); Restored second = store.restore(new Selector.ById(2))) {
            assertThat(first.entry().target()).isEqualTo(dir.resolve("a.txt").toString());
            assertThat(second.entry().target()).isEqualTo(dir.resolve("b.txt").toString());
            assertThat(first.entry().pid()).as("the owner is the C program").isPositive();
            assertThatThrownBy(() -> store.restore("web")).isInstanceOfSatisfying(FdStoreException.class,
                    e -> assertThat(e.errno()).isEqualTo(Errno.ENOTUNIQ)).hasMessageContaining("ids 1, 2");
        }
        CliRun cli = CliRun.run(dir, daemon.socket(), "restore", "web");
        assertThat(cli.exitCode()).as(cli.toString()).isEqualTo(1);
        assertThat(cli.stderr()).contains("is shared by 2 entries (ids 1, 2); select one by id (ENOTUNIQ)");

        SystemdClients.run(env, List.of(sdNotify.toString(), "FDSTOREREMOVE=1\nFDNAME=web")).ok();

        awaitStore("");
        daemon.awaitFdCount(cleared.baselineFds());
        assertThat(daemon.logLines("event=notify_remove", "name=web", "result=ok")).hasSize(2);
    }

    @Test
    void python_notifyWithFdsWithoutName_storesUnderStoredWithTheSendersOffset() throws Exception {
        SystemdClients.pythonNotify(pythonNotify, notify, List.of(), "FDSTORE=1", dir.resolve("a.txt").toString(),
                dir.resolve("b.txt").toString()).ok();

        awaitStore("1:uid.0/stored 2:uid.0/stored");
        try (FdStore store = FdStore.connect(daemon.socket().toString())) {
            assertThat(store.list()).extracting(EntryInfo::name).containsExactly("stored", "stored");
        }
    }

    @Test
    void python_socketsThatHangUp_areDroppedUnlessFdpollIsZero() throws Exception {
        SystemdClients.pythonNotify(pythonNotify, notify, List.of(), "FDSTORE=1\nFDNAME=kept\nFDPOLL=0",
                "socketpair").ok();
        SystemdClients.pythonNotify(pythonNotify, notify, List.of(), "FDSTORE=1\nFDNAME=dropped", "socketpair").ok();

        daemon.awaitLog(1, "event=expire", "name=dropped", "reason=hangup");
        awaitStore("1:uid.0/kept");
        assertThat(daemon.logLines("event=notify_store", "name=kept").getFirst()).contains("keep-on-hangup");
    }

    @Test
    void python_readyAndStatus_areRecordedForTheSender() throws Exception {
        SystemdClients.pythonNotify(pythonNotify, notify, List.of(), "READY=1\nSTATUS=serving 3 clients").ok();

        daemon.awaitLog(1, "event=notify", "keys=READY,STATUS");
        assertThat(StoreSnapshot.of(daemon.socket())).isEmpty();
        String pid = daemon.logLines("event=notify", "keys=READY,STATUS").getFirst().replaceAll(".* pid=(\\d+) .*", "$1");
        try (FdStore store = FdStore.connect(daemon.socket().toString())) {
            DaemonStatus status = store.status();
            assertThat(status.get("notify_socket")).contains(notify.toString());
            assertThat(status.get("notify_" + pid + "_ready")).contains("1");
            assertThat(status.get("notify_" + pid + "_status")).contains("serving 3 clients");
        }
    }

    @Test
    void save_overTheSocketWithANameNotifyUses_stillFailsWithEexist() throws Exception {
        SystemdClients.pythonNotify(pythonNotify, notify, List.of(), "FDSTORE=1\nFDNAME=web",
                dir.resolve("a.txt").toString()).ok();
        awaitStore("1:uid.0/web");

        try (FdStore store = FdStore.connect(daemon.socket().toString());
             Fd fd = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0)) {
            assertThatThrownBy(() -> store.save(fd, "web")).isInstanceOfSatisfying(FdStoreException.class,
                    e -> assertThat(e.errno()).isEqualTo(Errno.EEXIST));
        }
        awaitStore("1:uid.0/web");
    }
}
