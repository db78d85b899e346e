package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the notify socket refuses: malformed datagrams, bad FDNAMEs, senders the policy does not let save, and saves
 * over quota. Each is logged, changes nothing (quota: stores what fits) and leaks no fd in the daemon.
 */
class SystemdNotifyRefusalTest {
    static final int NO_SAVE = 4111;
    static final int SMALL_QUOTA = 4112;
    static final int IN_GROUP = 4113;
    static final int NOT_IN_GROUP = 4114;
    static final int SAVERS = 4300;

    private static Path dir;
    private static Path notify;
    private static Path pythonNotify;
    private static DaemonProcess daemon;
    @RegisterExtension
    final ClearedAfterEach cleared = new ClearedAfterEach(() -> daemon);

    @BeforeAll
    static void start() throws Exception {
        dir = PeerClasspath.newSharedDir("notify-refusal");
        notify = dir.resolve("notify.sock");
        pythonNotify = Scripts.copy("notify_fds.py", dir);
        Path policy = dir.resolve("policy");
        Files.writeString(policy, """
                allow uid=4111 list,restore uid.${uid}
                allow uid=4112 all uid.${uid}
                allow gid=4300 all uid.${uid}
                quota uid=4112 entries=1
                """);
        daemon = DaemonProcess.start(dir, "--policy", policy.toString(), "--notify-socket", notify.toString(),
                "--log-level", "debug");
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) assertThat(daemon.stop()).isZero();
    }

    @Test
    void malformedDatagrams_areLoggedAndDroppedWithTheirFdsClosed() throws Exception {
        List<byte[]> bad = List.of(
                new byte[] {'F', 'D', 'S', 'T', 'O', 'R', 'E', '=', '1', '\n', 'X', '=', (byte) 0xC3, (byte) 0x28},
                "FDSTORE=1\nno equals sign here".getBytes(StandardCharsets.UTF_8),
                ("FDSTORE=1\nFDNAME=" + "x".repeat(256)).getBytes(StandardCharsets.UTF_8),
                "FDSTORE=1\nFDNAME=a:b".getBytes(StandardCharsets.UTF_8),
                "FDSTORE=1\nFDNAME=a\u0007b".getBytes(StandardCharsets.UTF_8),
                "FDSTOREREMOVE=1".getBytes(StandardCharsets.UTF_8),
                "FDSTORE=1\n=1".getBytes(StandardCharsets.UTF_8));
        List<Fd> fds = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) fds.add(Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0));
            for (byte[] datagram : bad) SystemdClients.sendRaw(notify, datagram, fds);
        } finally {
            fds.forEach(Fd::close);
        }

        daemon.awaitLog(bad.size(), "event=notify_dropped", "fds_closed=3");
        assertThat(daemon.logLines("event=notify_dropped", "not valid UTF-8")).hasSize(1);
        assertThat(daemon.logLines("event=notify_dropped", "line 2 has no '='")).hasSize(1);
        assertThat(daemon.logLines("event=notify_dropped", "more than 255")).hasSize(1);
        assertThat(daemon.logLines("event=notify_dropped", "contains ':'")).hasSize(1);
        assertThat(daemon.logLines("event=notify_dropped", "U+0007")).hasSize(1);
        assertThat(daemon.logLines("event=notify_dropped", "FDSTOREREMOVE=1 needs FDNAME")).hasSize(1);
        assertThat(StoreSnapshot.of(daemon.socket())).isEmpty();
        daemon.awaitFdCount(cleared.baselineFds());
    }

    @Test
    void senderWithoutSaveRight_isRefusedWithEaccesAndNothingStored() throws Exception {
        SystemdClients.pythonNotify(pythonNotify, notify, Peer.setpriv(NO_SAVE), "FDSTORE=1\nFDNAME=mine",
                "/dev/null", "/dev/null").ok();

        daemon.awaitLog(1, "event=notify_store", "uid=4111", "result=EACCES", "fds_closed=2");
        assertThat(StoreSnapshot.of(daemon.socket())).isEmpty();
        daemon.awaitFdCount(cleared.baselineFds());
    }

    @Test
    void senderOverQuota_storesWhatFitsAndClosesTheRestWithEdquot() throws Exception {
        SystemdClients.pythonNotify(pythonNotify, notify, Peer.setpriv(SMALL_QUOTA), "FDSTORE=1\nFDNAME=many",
                "/dev/null", "/dev/null", "/dev/null").ok();

        daemon.awaitLog(1, "event=notify_store", "uid=4112", "result=EDQUOT", "stored=1", "fds_closed=2");
        assertThat(StoreSnapshot.of(daemon.socket())).isEqualTo("1:uid.4112/many");
        daemon.awaitFdCount(cleared.baselineFds() + 1);
    }

    @Test
    void supplementaryGroup_countsWhileTheSenderCanBeVerified() throws Exception {
        Process inGroup = lingeringSender(Peer.setpriv(IN_GROUP, SAVERS));
        try {
            Await.until("the member's fd to be stored", Duration.ofSeconds(30),
                    () -> !daemon.logLines("event=notify_store", "uid=4113", "result=ok").isEmpty(), daemon::logText);
        } finally {
            inGroup.getOutputStream().close();
            assertThat(inGroup.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        Process outsider = lingeringSender(Peer.setpriv(NOT_IN_GROUP));
        try {
            daemon.awaitLog(1, "event=notify_store", "uid=4114", "result=EACCES");
        } finally {
            outsider.getOutputStream().close();
            assertThat(outsider.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(StoreSnapshot.of(daemon.socket())).isEqualTo("1:uid.4113/grouped");
    }

    /** A python3-systemd sender that stays alive (so its groups can be read) until its stdin closes. */
    private static Process lingeringSender(List<String> prefix) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(Scripts.PYTHON, pythonNotify.toString(), "--linger", "FDSTORE=1\nFDNAME=grouped",
                "/dev/null"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("NOTIFY_SOCKET", notify.toString());
        return builder.start();
    }
}
