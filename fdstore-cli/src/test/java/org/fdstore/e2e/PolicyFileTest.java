package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A daemon under a policy file: rights per uid and group over namespace patterns (EACCES for a reachable entry the
 * peer may not act on, ENOENT for one out of reach), reloads on change and on SIGHUP, a broken file that keeps the
 * previous policy, and rules that tell two peers of one uid apart by cgroup or user namespace.
 */
class PolicyFileTest {
    static final int A = PeerMatrixTest.A;
    static final int B = PeerMatrixTest.B;
    static final int C = 4104;
    static final int TEAM_READERS = 4300;

    static final String BASE = """
            # every uid keeps its private namespace
            allow any all uid.${uid}
            """;
    static final String TEAM = BASE + """
            allow uid=4101 save,restore,list team   # A works in team, but may not remove
            allow gid=4300 list,inspect team        # readers see team, and nothing more
            admin-group 4200                        # operators reach everything
            """;

    private Path dir;
    private Path policy;
    private DaemonProcess daemon;
    private int baselineFds;

    @BeforeEach
    void start() throws Exception {
        dir = PeerClasspath.newSharedDir("policy");
        policy = dir.resolve("policy");
        Files.writeString(policy, TEAM);
        daemon = DaemonProcess.start(dir, "--policy", policy.toString());
        baselineFds = daemon.fdCount();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            StoreSnapshot.clear(daemon.socket());
            daemon.awaitFdCount(baselineFds);
        } finally {
            assertThat(daemon.stop()).isZero();
        }
    }

    /** Replaces the policy file as an editor would (a new inode), and waits until the daemon has read it. */
    private void replacePolicy(String text, String expectedEvent) throws Exception {
        int seen = daemon.logLines(expectedEvent).size();
        Path next = dir.resolve("policy.new");
        Files.writeString(next, text);
        Files.move(next, policy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        daemon.awaitLog(seen + 1, expectedEvent);
    }

    @Test
    void peerMatrix_policyFile_reachableButNotGrantedIsEaccesUnreachableIsEnoent() throws Exception {
        try (Peer a = Peer.user(A, daemon.socket()); Peer reader = Peer.user(B, daemon.socket(), TEAM_READERS);
             Peer stranger = Peer.user(C, daemon.socket()); Peer root = Peer.root(daemon.socket());
             Peer admin = Peer.user(PeerMatrixTest.M, daemon.socket(), PeerMatrixTest.ADMIN_GROUP)) {
            long t1 = Long.parseLong(a.ok("save team/t1"));
            long own = Long.parseLong(reader.ok("save mine"));
            String before = StoreSnapshot.of(daemon.socket());

            assertThat(reader.ok("list")).isEqualTo(t1 + ":team/t1 " + own + ":uid.4102/mine");
            assertThat(reader.ok("inspect")).isEqualTo(t1 + ":team/t1 " + own + ":uid.4102/mine");
            assertThat(reader.err("restore team/t1", "EACCES"))
                    .isEqualTo("uid 4102 may not restore entries of namespace \"team\"");
            assertThat(reader.err("take " + t1, "EACCES")).contains("may not take");
            assertThat(reader.err("remove team/t1", "EACCES")).contains("may not remove");
            assertThat(reader.err("save team/t2", "EACCES")).isEqualTo("uid 4102 may not save in namespace \"team\"");
            assertThat(reader.err("drop namespace team", "EACCES")).contains("may not drop").contains("id " + t1);

            assertThat(a.ok("restore team/t1")).isEqualTo(Long.toString(t1));
            assertThat(a.err("remove team/t1", "EACCES")).contains("may not remove");
            assertThat(a.err("take team/t1", "EACCES")).contains("may not take");
            assertThat(a.ok("list")).isEqualTo(t1 + ":team/t1");
            assertThat(a.ok("inspect")).as("A may list team, not inspect it").isEmpty();

            assertThat(stranger.err("restore team/t1", "ENOENT")).isEqualTo("no entry with name \"team/t1\"");
            assertThat(stranger.err("remove " + t1, "ENOENT")).isEqualTo("no entry with id " + t1);
            assertThat(stranger.ok("drop namespace team")).isEqualTo("0");
            assertThat(stranger.ok("list")).isEmpty();

            assertThat(StoreSnapshot.of(daemon.socket())).as("refusals changed nothing").isEqualTo(before);
            daemon.awaitFdCount(baselineFds + 2);

            assertThat(admin.ok("list")).as("the admin group sees everything").isEqualTo(before);
            assertThat(admin.ok("restore uid.4102/mine")).isEqualTo(Long.toString(own));
            long placed = Long.parseLong(admin.ok("save team/by-admin"));
            assertThat(admin.ok("remove " + placed)).isEqualTo(Long.toString(placed));
            assertThat(root.ok("drop namespace team")).as("root may do anything").isEqualTo("1");
        }
    }

    @Test
    void reload_fileChanged_newRulesApply() throws Exception {
        try (Peer c = Peer.user(C, daemon.socket())) {
            assertThat(c.err("save lab/x", "EACCES")).contains("namespace \"lab\"");
            replacePolicy(TEAM + "allow uid=4104 all lab\n", "event=policy_loaded");
            assertThat(daemon.logLines("event=policy_loaded").getLast()).contains("trigger=change", "result=ok");
            c.ok("save lab/x");
        }
    }

    @Test
    void reload_brokenFile_keepsPreviousPolicyAndLogsTheLine() throws Exception {
        try (Peer a = Peer.user(A, daemon.socket())) {
            a.ok("save team/kept");
            replacePolicy(BASE + "allow uid=4101 save,restor team\n", "event=policy_error");
            String error = daemon.logLines("event=policy_error").getLast();
            assertThat(error).contains("line=3", "unknown right \\\"restor\\\"", "result=kept_previous");
            assertThat(a.ok("restore team/kept")).as("the previous policy still holds").isNotEmpty();
            a.ok("save team/more");

            replacePolicy(BASE, "event=policy_loaded");
            assertThat(a.err("restore team/kept", "ENOENT")).as("the fixed file took over");
        }
    }

    @Test
    void reload_sighupWithUnchangedStamp_reloads() throws Exception {
        try (Peer a = Peer.user(A, daemon.socket())) {
            a.ok("save team/before");
            // Same size, same inode, same mtime: only SIGHUP can tell the daemon.
            FileTime stamp = Files.getLastModifiedTime(policy);
            Files.writeString(policy, TEAM.replace("team", "teem"), StandardCharsets.UTF_8);
            Files.setLastModifiedTime(policy, stamp);
            int seen = daemon.logLines("event=policy_loaded").size();
            daemon.signal("HUP");
            daemon.awaitLog(seen + 1, "event=policy_loaded", "trigger=SIGHUP");
            assertThat(a.err("save team/after", "EACCES")).contains("namespace \"team\"");
            a.ok("save teem/after");
        }
    }

    @Test
    void cgroupRule_twoPeersOfOneUid_onlyTheOneInTheCgroupMaySave() throws Exception {
        Path unified = Path.of("/sys/fs/cgroup/unified");
        if (!Files.isDirectory(unified)) unified = Path.of("/sys/fs/cgroup");
        Path cgroup = unified.resolve("fdstore-test-" + ProcessHandle.current().pid());
        Files.createDirectories(cgroup);
        try (Peer boxed = Peer.user(A, daemon.socket()); Peer outside = Peer.user(A, daemon.socket())) {
            Files.writeString(cgroup.resolve("cgroup.procs"), Long.toString(boxed.pid));
            String relative = "/" + unified.relativize(cgroup);
            replacePolicy(TEAM + "allow uid=4101,cgroup=" + relative + "* all box\n", "event=policy_loaded");
            boxed.ok("save box/x");
            assertThat(outside.err("save box/y", "EACCES")).contains("namespace \"box\"");
            assertThat(outside.err("restore box/x", "ENOENT")).as("out of reach for the other peer of uid 4101");
            boxed.close();
        } finally {
            Await.until("the cgroup to empty", java.time.Duration.ofSeconds(10),
                    () -> cgroup.toFile().delete() || !Files.exists(cgroup));
        }
    }

    @Test
    void usernsRule_twoPeersOfOneUid_onlyTheOneInThatUserNamespaceMaySave() throws Exception {
        try (Peer contained = Peer.userInOwnUserNamespace(A, daemon.socket());
             Peer outside = Peer.user(A, daemon.socket())) {
            String[] who = contained.ok("whoami").split(" ");
            String[] outsideWho = outside.ok("whoami").split(" ");
            assertThat(who[2]).isNotEqualTo(outsideWho[2]);
            replacePolicy(TEAM + "allow userns=" + who[2] + " all container\n", "event=policy_loaded");
            contained.ok("save container/x");
            assertThat(outside.err("save container/y", "EACCES")).contains("namespace \"container\"");
            assertThat(outside.err("restore container/x", "ENOENT"));
        }
    }
}
