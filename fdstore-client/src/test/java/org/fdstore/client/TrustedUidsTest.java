package org.fdstore.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.fdstore.linux.Errno;
import org.fdstore.linux.PeerCredentials;
import org.junit.jupiter.api.Test;

class TrustedUidsTest {
    @Test
    void accepts_rootOwnAndNamed_only() throws Exception {
        TrustedUids trusted = TrustedUids.of(1000, 1001, Map.of());
        assertThat(trusted.accepts(0)).isTrue();
        assertThat(trusted.accepts(1000)).isTrue();
        assertThat(trusted.accepts(1001)).isTrue();
        assertThat(trusted.accepts(1002)).isFalse();
        assertThat(TrustedUids.of(1000, TrustedUids.NONE, Map.of()).accepts(1001)).isFalse();
    }

    @Test
    void of_noNamedUid_takesTheEnvironments() throws Exception {
        Map<String, String> env = Map.of(TrustedUids.ENVIRONMENT, "1001");
        assertThat(TrustedUids.of(1000, TrustedUids.NONE, env).named()).isEqualTo(1001);
        assertThat(TrustedUids.of(1000, 1002, env).named()).as("a named uid wins").isEqualTo(1002);
    }

    @Test
    void of_environmentWithoutUid_failsWithEinval() {
        assertThatThrownBy(() -> TrustedUids.of(1000, TrustedUids.NONE, Map.of(TrustedUids.ENVIRONMENT, "bob")))
                .isInstanceOf(FdStoreException.class)
                .hasMessageContaining("$FDSTORE_DAEMON_UID is \"bob\", which is no uid")
                .satisfies(e -> assertThat(((FdStoreException) e).errno()).isEqualTo(Errno.EINVAL));
    }

    @Test
    void expected_listsEachUidOnce() throws Exception {
        assertThat(TrustedUids.of(0, TrustedUids.NONE, Map.of()).expected()).isEqualTo("0");
        assertThat(TrustedUids.of(1000, TrustedUids.NONE, Map.of()).expected()).isEqualTo("0 or 1000");
        assertThat(TrustedUids.of(1000, 1000, Map.of()).expected()).isEqualTo("0 or 1000");
        assertThat(TrustedUids.of(1000, 1001, Map.of()).expected()).isEqualTo("0, 1000 or 1001");
    }

    @Test
    void check_untrustedDaemon_failsWithEpermNamingSocketFoundAndExpected() throws Exception {
        TrustedUids trusted = TrustedUids.of(1000, TrustedUids.NONE, Map.of());
        assertThatThrownBy(() -> trusted.check("/tmp/x/fdstore.sock", new PeerCredentials(77, 1001, 1001)))
                .isInstanceOf(FdStoreException.class)
                .hasMessageStartingWith("daemon at /tmp/x/fdstore.sock runs as uid 1001, expected 0 or 1000 (EPERM): ")
                .hasMessageContaining("--daemon-uid 1001")
                .satisfies(e -> assertThat(((FdStoreException) e).errno()).isEqualTo(Errno.EPERM))
                .satisfies(e -> assertThat(((FdStoreException) e).refusedByDaemon()).isFalse());
    }
}
