package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The default policy (no policy file) against real peers: root, two unprivileged uids A and B, and M, a member of
 * the admin group, each a process of its own made with setpriv. Each uid has a private namespace uid.UID; root and
 * the admin group reach everything. Every refused operation answers EACCES or ENOENT and leaves the store as it was.
 */
class PeerMatrixTest {
    static final int A = 4101;
    static final int B = 4102;
    static final int M = 4103;
    static final int ADMIN_GROUP = 4200;

    private static Path dir;
    private static DaemonProcess daemon;
    private static Peer root;
    private static Peer a;
    private static Peer b;
    private static Peer m;
    private int baselineFds;
    private String before;
    private long rootId;
    private long aId;
    private long bId;
    private long mId;

    @BeforeAll
    static void start() throws Exception {
        dir = PeerClasspath.newSharedDir("matrix");
        daemon = DaemonProcess.start(dir, "--admin-group", Integer.toString(ADMIN_GROUP));
        root = Peer.root(daemon.socket());
        a = Peer.user(A, daemon.socket());
        b = Peer.user(B, daemon.socket());
        m = Peer.user(M, daemon.socket(), ADMIN_GROUP);
    }

    @AfterAll
    static void stop() throws Exception {
        for (Peer p : new Peer[] {root, a, b, m}) if (p != null) p.close();
        assertThat(daemon.stop()).isZero();
    }

    @BeforeEach
    void saveOneEntryEach() throws Exception {
        baselineFds = daemon.fdCount();
        rootId = Long.parseLong(root.ok("save r"));
        aId = Long.parseLong(a.ok("save a"));
        bId = Long.parseLong(b.ok("save b"));
        mId = Long.parseLong(m.ok("save m"));
        before = StoreSnapshot.of(daemon.socket());
        assertThat(before).isEqualTo(rootId + ":uid.0/r " + aId + ":uid.4101/a " + bId + ":uid.4102/b " + mId
                + ":uid.4103/m");
    }

    @AfterEach
    void clearAndCheckFds() throws Exception {
        StoreSnapshot.clear(daemon.socket());
        daemon.awaitFdCount(baselineFds);
    }

    private void assertStoreUnchanged() throws Exception {
        assertThat(StoreSnapshot.of(daemon.socket())).as("the store after refused requests").isEqualTo(before);
        daemon.awaitFdCount(baselineFds + 4);
    }

    @Test
    void hello_eachPeer_getsItsOwnDefaultNamespace() {
        assertThat(root.ok("namespace")).isEqualTo("uid.0");
        assertThat(a.ok("namespace")).isEqualTo("uid.4101");
        assertThat(m.ok("namespace")).isEqualTo("uid.4103");
    }

    @Test
    void listAndInspect_eachPeer_seeOnlyWhatTheyReach() {
        assertThat(a.ok("list")).isEqualTo(aId + ":uid.4101/a");
        assertThat(b.ok("list")).isEqualTo(bId + ":uid.4102/b");
        assertThat(a.ok("inspect")).isEqualTo(aId + ":uid.4101/a");
        assertThat(m.ok("list")).isEqualTo(before);
        assertThat(root.ok("inspect")).isEqualTo(before);
    }

    @Test
    void restoreTakeRemove_anotherUidsEntry_failWithEnoentExactlyLikeAMissingId() throws Exception {
        String missing = a.err("restore 9999", "ENOENT");
        assertThat(missing).isEqualTo("no entry with id 9999");
        assertThat(a.err("restore " + bId, "ENOENT")).isEqualTo("no entry with id " + bId);
        assertThat(a.err("take " + bId, "ENOENT")).isEqualTo("no entry with id " + bId);
        assertThat(a.err("remove " + rootId, "ENOENT")).isEqualTo("no entry with id " + rootId);
        assertThat(a.err("restore uid.4102/b", "ENOENT")).isEqualTo("no entry with name \"uid.4102/b\"");
        assertThat(a.err("take uid.0/r", "ENOENT")).isEqualTo("no entry with name \"uid.0/r\"");
        assertThat(b.err("remove uid.4103/m", "ENOENT")).isEqualTo("no entry with name \"uid.4103/m\"");
        assertThat(b.err("restore a", "ENOENT")).as("a bare name is looked up in the peer's own namespace")
                .isEqualTo("no entry with name \"a\"");
        assertStoreUnchanged();
    }

    @Test
    void save_intoAnotherNamespace_failsWithEaccesAndStoresNothing() throws Exception {
        assertThat(a.err("save x ns=uid.4102", "EACCES")).isEqualTo("uid 4101 may not save in namespace \"uid.4102\"");
        assertThat(a.err("save uid.0/x", "EACCES")).isEqualTo("uid 4101 may not save in namespace \"uid.0\"");
        assertThat(b.err("save - ns=shared", "EACCES")).contains("namespace \"shared\"");
        assertStoreUnchanged();
    }

    @Test
    void drop_othersEntries_dropsNothing() throws Exception {
        assertThat(a.err("drop id " + bId, "ENOENT")).isEqualTo("no entry with id " + bId);
        assertThat(a.ok("drop uid " + B)).isEqualTo("0");
        assertThat(a.ok("drop namespace uid.4102")).isEqualTo("0");
        assertThat(b.ok("drop mount /dev")).as("only its own /dev/null pins /dev for B").isEqualTo("1");
        assertThat(StoreSnapshot.of(daemon.socket()))
                .isEqualTo(rootId + ":uid.0/r " + aId + ":uid.4101/a " + mId + ":uid.4103/m");
    }

    @Test
    void adminGroupAndRoot_restoreAndSaveAnywhere_succeed() throws Exception {
        assertThat(m.ok("restore " + aId)).isEqualTo(Long.toString(aId));
        assertThat(m.ok("restore uid.4102/b")).isEqualTo(Long.toString(bId));
        assertThat(root.ok("restore uid.4103/m")).isEqualTo(Long.toString(mId));
        long placed = Long.parseLong(m.ok("save gift ns=uid.4101"));
        assertThat(a.ok("list")).isEqualTo(aId + ":uid.4101/a " + placed + ":uid.4101/gift");
        assertThat(a.ok("take gift")).isEqualTo(Long.toString(placed));
        assertStoreUnchanged();
    }

    @Test
    void save_sameNameInTwoNamespaces_bothSucceed() throws Exception {
        long forA = Long.parseLong(a.ok("save same"));
        long forB = Long.parseLong(b.ok("save same"));
        assertThat(forA).isNotEqualTo(forB);
        assertThat(a.ok("restore same")).isEqualTo(Long.toString(forA));
        assertThat(b.ok("restore same")).isEqualTo(Long.toString(forB));
        assertThat(root.ok("restore uid.4102/same")).isEqualTo(Long.toString(forB));
        assertThat(a.err("save same", "EEXIST")).contains("\"same\"").contains("uid.4101");
    }

    @Test
    void ownEntries_restoreTakeRemoveByBareName_succeed() throws Exception {
        assertThat(a.ok("restore a")).isEqualTo(Long.toString(aId));
        assertThat(a.ok("restore uid.4101/a")).isEqualTo(Long.toString(aId));
        assertThat(b.ok("take b")).isEqualTo(Long.toString(bId));
        assertThat(m.ok("remove m")).isEqualTo(Long.toString(mId));
        assertThat(StoreSnapshot.of(daemon.socket())).isEqualTo(rootId + ":uid.0/r " + aId + ":uid.4101/a");
    }

    @Test
    void cli_asAnotherUid_restoreOfRootsEntryExits1WithEnoent() throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(Peer.setpriv(A));
        command.addAll(PeerClasspath.java("org.fdstore.cli.Main", "--socket", daemon.socket().toString(), "restore",
                Long.toString(rootId)));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).start();
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(err).isEqualTo(1);
        assertThat(err).isEqualTo("fdstore restore: no entry with id " + rootId + " (ENOENT)\n");
        assertStoreUnchanged();
    }
}
