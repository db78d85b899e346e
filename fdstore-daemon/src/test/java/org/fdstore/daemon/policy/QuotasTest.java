package org.fdstore.daemon.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.fdstore.daemon.registry.Refusal;
import org.fdstore.linux.Errno;
import org.junit.jupiter.api.Test;

class QuotasTest {
    @Test
    void check_atEachLimit_refusesWithEdquotAndCountsFollowChargesAndCredits() throws Exception {
        Policy policy = PolicyTest.parse("""
                quota total entries=4
                quota uid=1000 entries=2 metadata=10
                quota namespace=small entries=1
                """);
        Quotas quotas = new Quotas();
        quotas.check(policy, 1000, "a", 5);
        quotas.charge(1000, "a", 5);
        assertThatThrownBy(() -> quotas.check(policy, 1000, "a", 6))
                .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.errno()).isEqualTo(Errno.EDQUOT))
                .hasMessageContaining("uid 1000 holds 5 bytes of metadata");
        quotas.charge(1000, "a", 0);
        assertThatThrownBy(() -> quotas.check(policy, 1000, "b", 0)).hasMessageContaining("uid 1000 holds 2 entries");

        quotas.check(policy, 1001, "small", 0);
        quotas.charge(1001, "small", 0);
        assertThatThrownBy(() -> quotas.check(policy, 1002, "small", 0))
                .hasMessageContaining("namespace \"small\" holds 1 entries");
        quotas.charge(1002, "c", 0);
        assertThatThrownBy(() -> quotas.check(policy, 1003, "d", 0)).hasMessageContaining("the store holds 4 entries");

        quotas.credit(1000, "a", 5);
        quotas.credit(1001, "small", 0);
        assertThat(quotas.entriesOf(1000)).isEqualTo(1);
        assertThat(quotas.entriesIn("small")).isZero();
        quotas.check(policy, 1000, "b", 5);
    }
}
