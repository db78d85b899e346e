package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.fdstore.client.FdStore;
import org.fdstore.client.FdStoreException;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Stat;
import org.fdstore.protocol.EntryInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The squatting attack of issue 15, played by two real uids: the attacker runs a daemon at the victim's fallback
 * socket path ({@code /tmp/fdstore-VICTIM/fdstore.sock}, the default of a user without XDG_RUNTIME_DIR), and the
 * victim's save must be refused before a byte or fd reaches it. And the daemon's side: it refuses a fallback
 * directory that another uid owns, that is a symbolic link or that its group may write, and creates it 0700.
 *
 * <p>The uids are unusual ones (no account has them) so that the real /tmp/fdstore-UID directories of other tests
 * and users are never touched; the test removes the victim's directory before and after.
 */
class SocketSquatTest {
    static final int VICTIM = 4511;
    static final int ATTACKER = 4512;
    static final Path FALLBACK_DIR = Path.of("/tmp/fdstore-" + VICTIM);
    static final Path FALLBACK_SOCKET = FALLBACK_DIR.resolve("fdstore.sock");

    private Path home;
    private Process squatter;
    private Process victimDaemon;

    @BeforeEach
    void victimHome() throws Exception {
        removeFallbackDir();
        home = PeerClasspath.newSharedDir("victim");
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        chown(home, VICTIM);
        Path secret = home.resolve("secret");
        Files.writeString(secret, "top secret\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        chown(secret, VICTIM);
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process daemon : new Process[] {squatter, victimDaemon}) if (daemon != null) stop(daemon);
        removeFallbackDir();
    }

    @Test
    void save_toDaemonOfAnotherUidAtFallbackPath_isRefusedBeforeAnythingIsSent() throws Exception {
        startSquatter();

        CliRun refused = UserCli.run(VICTIM, home, Map.of(), "save", "-f", "secret", "--name", "mysecret");

        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(111);
        assertThat(refused.stderr()).as(refused.toString()).startsWith("fdstore save: daemon at " + FALLBACK_SOCKET
                + " runs as uid " + ATTACKER + ", expected 0 or " + VICTIM + " (EPERM): ");
        assertThat(refused.stdout()).isEmpty();
        assertThat(squattersEntries()).as("what the squatting daemon received").isEmpty();
    }

    @Test
    void javaApi_daemonOfAnotherUid_throwsEperm() throws Exception {
        startSquatter();
        try (Peer victim = Peer.user(VICTIM, FALLBACK_SOCKET)) {
            String message = victim.err("save mysecret", "EPERM");
            assertThat(message).startsWith("daemon at " + FALLBACK_SOCKET + " runs as uid " + ATTACKER
                    + ", expected 0 or " + VICTIM + " (EPERM)");
        }
        assertThat(squattersEntries()).isEmpty();
    }

    @Test
    void save_daemonUidNamed_isAccepted() throws Exception {
        startSquatter();

        CliRun byOption = UserCli.run(VICTIM, home, Map.of(), "--daemon-uid", Integer.toString(ATTACKER),
                "save", "-f", "secret", "--name", "mysecret");
        CliRun byEnvironment = UserCli.run(VICTIM, home, Map.of("FDSTORE_DAEMON_UID", Integer.toString(ATTACKER)),
                "list");

        assertThat(byOption.exitCode()).as(byOption.toString()).isZero();
        assertThat(byOption.stdout()).isEqualTo("saved file id 1\n");
        assertThat(byEnvironment.exitCode()).as(byEnvironment.toString()).isZero();
        assertThat(byEnvironment.stdout()).contains("mysecret");
        assertThat(squattersEntries()).extracting(EntryInfo::name).containsExactly("mysecret");
    }

    @Test
    void javaApi_reconnectFindsDaemonOfAnotherUid_throwsEpermAndResendsNothing() throws Exception {
        // A directory both may use: root's and sticky, as /tmp is; the root daemon leaves, the attacker's takes the path.
        Path shared = PeerClasspath.newSharedDir("shared");
        Stat.fchmodat(null, shared.toString().getBytes(StandardCharsets.UTF_8), 01777, 0);
        DaemonProcess rootDaemon = DaemonProcess.start(shared);
        try (FdStore client = FdStore.connect(rootDaemon.socket().toString())) {
            assertThat(client.list()).isEmpty();
            assertThat(rootDaemon.stop()).as("the root daemon stops, sending GOAWAY").isZero();
            startSquatter(rootDaemon.socket());

            assertThatThrownBy(client::list).isInstanceOf(FdStoreException.class)
                    .hasMessageStartingWith("daemon at " + rootDaemon.socket() + " runs as uid " + ATTACKER
                            + ", expected 0 (EPERM)")
                    .satisfies(e -> assertThat(((FdStoreException) e).errno()).isEqualTo(Errno.EPERM));
        } finally {
            rootDaemon.close();
        }
        try (FdStore root = FdStore.connect(rootDaemon.socket().toString(), ATTACKER)) {
            assertThat(root.list()).as("what the squatting daemon received").isEmpty();
        }
    }

    @Test
    void daemon_fallbackDirectoryOfAnotherUid_exits111() throws Exception {
        Files.createDirectory(FALLBACK_DIR);
        chown(FALLBACK_DIR, ATTACKER);

        CliRun daemon = UserCli.run(VICTIM, home, Map.of(), "daemon", "--no-mirror");

        assertThat(daemon.exitCode()).as(daemon.toString()).isEqualTo(111);
        assertThat(daemon.stderr()).contains("fdstore daemon: socket directory " + FALLBACK_DIR + ": EPERM (is owned by"
                + " uid " + ATTACKER);
        assertThat(FALLBACK_SOCKET).doesNotExist();
    }

    @Test
    void daemon_fallbackDirectoryIsSymlink_exits111() throws Exception {
        Path target = home.resolve("elsewhere");
        Files.createDirectory(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        chown(target, VICTIM);
        Files.createSymbolicLink(FALLBACK_DIR, target);

        CliRun daemon = UserCli.run(VICTIM, home, Map.of(), "daemon", "--no-mirror");

        assertThat(daemon.exitCode()).as(daemon.toString()).isEqualTo(111);
        assertThat(daemon.stderr()).contains("fdstore daemon: socket directory " + FALLBACK_DIR + ": ELOOP (is a"
                + " symbolic link");
        try (Stream<Path> files = Files.list(target)) {
            assertThat(files).as("what the daemon made where the link points").isEmpty();
        }
    }

    @Test
    void daemon_fallbackDirectoryGroupWritable_exits111() throws Exception {
        Files.createDirectory(FALLBACK_DIR);
        Files.setPosixFilePermissions(FALLBACK_DIR, PosixFilePermissions.fromString("rwxrwx---"));
        chown(FALLBACK_DIR, VICTIM);

        CliRun daemon = UserCli.run(VICTIM, home, Map.of(), "daemon", "--no-mirror");

        assertThat(daemon.exitCode()).as(daemon.toString()).isEqualTo(111);
        assertThat(daemon.stderr()).contains("fdstore daemon: socket directory " + FALLBACK_DIR + ": EPERM (is writable"
                + " by its group or others (mode 770)");
        assertThat(FALLBACK_SOCKET).doesNotExist();
    }

    @Test
    void daemon_noFallbackDirectory_createsIt0700AndServes() throws Exception {
        startVictimDaemon();
        assertThat(Files.getPosixFilePermissions(FALLBACK_DIR, LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getAttribute(FALLBACK_DIR, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(VICTIM);

        CliRun saved = UserCli.run(VICTIM, home, Map.of(), "save", "-f", "secret", "--name", "mysecret");

        assertThat(saved.exitCode()).as(saved.toString()).isZero();
        assertThat(stop(victimDaemon)).as(Files.readString(home.resolve("victim.log"))).isZero();
    }

    @Test
    void save_ownDaemonInFallbackDirectoryOthersMayWrite_isRefusedByTheClient() throws Exception {
        startVictimDaemon();
        // Opened up after the daemon checked it: a trusted daemon, in a directory where another could replace it.
        Files.setPosixFilePermissions(FALLBACK_DIR, PosixFilePermissions.fromString("rwxrwxrwx"));

        CliRun refused = UserCli.run(VICTIM, home, Map.of(), "save", "-f", "secret", "--name", "mysecret");

        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(111);
        assertThat(refused.stderr()).startsWith("fdstore save: socket directory " + FALLBACK_DIR + " of "
                + FALLBACK_SOCKET + " is writable by its group or others (mode 777), expected a directory of uid 0"
                + " or " + VICTIM + " that no one else may write (EPERM)");
    }

    /** The victim's own daemon at its default path, as a user without XDG_RUNTIME_DIR starts it. */
    private void startVictimDaemon() throws IOException {
        victimDaemon = UserCli.builder(VICTIM, home, Map.of(), "daemon", "--no-mirror", "--lame-duck", "0")
                .redirectErrorStream(true).redirectOutput(home.resolve("victim.log").toFile()).start();
        Await.until("the victim's daemon to serve " + FALLBACK_SOCKET, Duration.ofSeconds(30),
                () -> !victimDaemon.isAlive() || Files.exists(FALLBACK_SOCKET, LinkOption.NOFOLLOW_LINKS));
        assertThat(victimDaemon.isAlive()).as("the victim's daemon runs").isTrue();
    }

    /** Stops a daemon with SIGTERM (SIGKILL after 15 s); its exit code. */
    private static int stop(Process daemon) throws InterruptedException {
        daemon.destroy();
        if (!daemon.waitFor(15, TimeUnit.SECONDS)) daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        return daemon.exitValue();
    }

    /** The attacker's daemon at the victim's fallback socket path, which it creates as its own. */
    private void startSquatter() throws IOException {
        startSquatter(FALLBACK_SOCKET);
    }

    /** The attacker's daemon at {@code socket}. */
    private void startSquatter(Path socket) throws IOException {
        squatter = UserCli.builder(ATTACKER, PeerClasspath.dir(), Map.of(), "daemon", "--no-mirror", "--lame-duck",
                "0", "--socket", socket.toString()).redirectErrorStream(true)
                .redirectOutput(home.resolve("squatter.log").toFile()).start();
        Await.until("the squatting daemon to listen on " + socket, Duration.ofSeconds(30),
                () -> !squatter.isAlive() || Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
        assertThat(squatter.isAlive()).as("the squatting daemon runs").isTrue();
    }

    /** Every entry of the squatting daemon, as root sees them (root trusting the attacker's uid to ask). */
    private static List<EntryInfo> squattersEntries() throws Exception {
        try (FdStore store = FdStore.connect(FALLBACK_SOCKET.toString(), ATTACKER)) {
            return store.list();
        }
    }

    private static void chown(Path path, int uid) throws IOException {
        Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
    }

    private static void removeFallbackDir() throws IOException {
        if (!Files.exists(FALLBACK_DIR, LinkOption.NOFOLLOW_LINKS)) return;
        if (Files.isSymbolicLink(FALLBACK_DIR)) {
            Files.delete(FALLBACK_DIR);
            return;
        }
        try (Stream<Path> all = Files.walk(FALLBACK_DIR)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
