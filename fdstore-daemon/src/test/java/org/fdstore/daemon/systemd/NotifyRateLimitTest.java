package org.fdstore.daemon.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.fdstore.daemon.systemd.NotifyRateLimit.Decision;
import org.junit.jupiter.api.Test;

class NotifyRateLimitTest {
    private long now = 5_000_000_000L;
    private final NotifyRateLimit limit = new NotifyRateLimit(3, () -> now);

    private List<Decision> admit(int uid, int times) {
        List<Decision> decisions = new ArrayList<>();
        for (int i = 0; i < times; i++) decisions.add(limit.admit(uid));
        return decisions;
    }

    @Test
    void admit_pastTheLimitInOneSecond_dropsTheRestAndLogsTheFirstDropOnly() {
        assertThat(admit(1001, 6)).containsExactly(Decision.ADMIT, Decision.ADMIT, Decision.ADMIT,
                Decision.DROP_AND_LOG, Decision.DROP, Decision.DROP);
        assertThat(limit.droppedTotal(1001)).isEqualTo(3);
    }

    @Test
    void admit_oneUidOverItsLimit_leavesAnotherUidsDatagramsThrough() {
        admit(1001, 10);

        assertThat(admit(1002, 3)).containsOnly(Decision.ADMIT);
        assertThat(limit.droppedTotal(1002)).isZero();
    }

    @Test
    void admit_theNextSecond_admitsAgainAndLogsItsFirstDropAgain() {
        admit(1001, 5);
        now += NotifyRateLimit.WINDOW_NANOS;

        assertThat(admit(1001, 5)).containsExactly(Decision.ADMIT, Decision.ADMIT, Decision.ADMIT,
                Decision.DROP_AND_LOG, Decision.DROP);
        assertThat(limit.droppedTotal(1001)).isEqualTo(4);
    }
}
