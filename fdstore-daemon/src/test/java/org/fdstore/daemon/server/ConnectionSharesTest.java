package org.fdstore.daemon.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConnectionSharesTest {
    private final ConnectionShares shares = new ConnectionShares(2, 1000);

    @Test
    void mayConnect_aUidAtItsLimit_isRefusedWhileAnotherUidIsNot() {
        shares.connected(4101);
        shares.connected(4101);

        assertThat(shares.mayConnect(4101)).isFalse();
        assertThat(shares.mayConnect(4102)).isTrue();
        shares.disconnected(4101);
        assertThat(shares.mayConnect(4101)).isTrue();
        assertThat(shares.held(4101)).isEqualTo(1);
    }

    @Test
    void mayConnect_rootAndTheDaemonsUid_areNeverLimited() {
        for (int i = 0; i < 5; i++) {
            shares.connected(0);
            shares.connected(1000);
        }

        assertThat(shares.mayConnect(0)).isTrue();
        assertThat(shares.mayConnect(1000)).isTrue();
    }

    @Test
    void perUidConnectionLimit_byDefault_isAQuarterOfTheTotal() {
        assertThat(ServerLimits.defaults().perUidConnectionLimit()).isEqualTo(128);
        assertThat(ServerLimits.defaults().withFairShare(10, 0, 1).perUidConnectionLimit()).isEqualTo(2);
        assertThat(ServerLimits.defaults().withFairShare(3, 0, 1).perUidConnectionLimit()).isEqualTo(1);
        assertThatThrownBy(() -> ServerLimits.defaults().withFairShare(10, 11, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectionsPerUid");
    }
}
