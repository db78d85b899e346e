package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Quotas from a policy file: an over-quota save fails with EDQUOT, changes nothing and closes the fd it carried,
 * while other uids and namespaces go on saving.
 */
class QuotaTest {
    static final int A = PeerMatrixTest.A;
    static final int B = PeerMatrixTest.B;

    private static DaemonProcess daemon;
    private static int baselineFds;

    @BeforeAll
    static void start() throws Exception {
        Path dir = PeerClasspath.newSharedDir("quota");
        Path policy = dir.resolve("policy");
        Files.writeString(policy, """
                allow any all uid.${uid},shared
                quota uid=4101 entries=2
                quota namespace=shared entries=1
                quota uid=4102 metadata=10
                """);
        daemon = DaemonProcess.start(dir, "--policy", policy.toString());
        baselineFds = daemon.fdCount();
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon == null) return;
        try {
            StoreSnapshot.clear(daemon.socket());
            daemon.awaitFdCount(baselineFds);
        } finally {
            assertThat(daemon.stop()).isZero();
        }
    }

    @Test
    void save_overQuotas_failsWithEdquotAndOthersAreUnaffected() throws Exception {
        try (Peer a = Peer.user(A, daemon.socket()); Peer b = Peer.user(B, daemon.socket());
             Peer root = Peer.root(daemon.socket())) {
            a.ok("save one");
            a.ok("save two");
            String before = StoreSnapshot.of(daemon.socket());
            assertThat(a.err("save three", "EDQUOT"))
                    .isEqualTo("uid 4101 holds 2 entries, the most the quota of uid 4101 allows; remove some first");
            assertThat(a.err("save - ns=shared", "EDQUOT")).contains("uid 4101");
            assertThat(StoreSnapshot.of(daemon.socket())).isEqualTo(before);
            daemon.awaitFdCount(baselineFds + 2);

            b.ok("save mine");
            b.ok("save shared/only");
            assertThat(root.err("save shared/second", "EDQUOT"))
                    .isEqualTo("namespace \"shared\" holds 1 entries, the most the quota of namespace \"shared\""
                            + " allows; remove some first");
            root.ok("save rootsown");
            assertThat(b.err("save big meta=eleven-byte", "EDQUOT")).contains("metadata", "10");
            b.ok("save small meta=five5");
            daemon.awaitFdCount(baselineFds + 6);

            a.ok("remove one");
            a.ok("save three");
        }
    }
}
