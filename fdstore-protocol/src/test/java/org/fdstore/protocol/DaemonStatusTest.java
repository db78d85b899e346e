package org.fdstore.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DaemonStatusTest {

    /** A builder with every key of version 1 set: a fresh store without a standby. */
    static DaemonStatus.Builder minimal() {
        return DaemonStatus.builder().servingPid(4242).counts(0, 7, 1024, 1000)
                .startedAt(Instant.parse("2026-11-24T04:00:00Z")).version("0.1.0");
    }

    @Test
    void build_fresh_sendsNoneForAbsentStandbyAndTransition() {
        DaemonStatus status = minimal().build();

        assertThat(status.get("standby_pid")).contains("none");
        assertThat(status.standbyPid()).isEmpty();
        assertThat(status.lastTransition()).isEqualTo(DaemonStatus.Transition.NONE);
        assertThat(status.lastTransitionAt()).isEmpty();
        assertThat(status.lastTransitionPauseMs()).isEmpty();
        assertThat(status.get("started_at")).contains("2026-11-24T04:00:00.000Z");
        assertThat(status.role()).isEqualTo("serving");
        assertThat(status.entries()).isZero();
        assertThat(status.fdLimit()).isEqualTo(1024);
    }

    @Test
    void build_extraKeys_comeAfterVersionOneKeysInOrder() {
        DaemonStatus status = minimal().add("notify_socket", "/run/n.sock").add("ready_42", "1").build();

        assertThat(status.fields()).extracting(DaemonStatus.Field::key).endsWith("version", "notify_socket",
                "ready_42");
        assertThat(status.get("notify_socket")).contains("/run/n.sock");
    }

    @Test
    void of_missingKnownKey_throwsNamingIt() {
        List<DaemonStatus.Field> fields = new ArrayList<>(minimal().build().fields());
        fields.removeIf(f -> f.key().equals("capacity"));

        assertThatThrownBy(() -> DaemonStatus.of(fields)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capacity");
    }

    @Test
    void of_duplicateKey_throws() {
        List<DaemonStatus.Field> fields = new ArrayList<>(minimal().build().fields());
        fields.add(new DaemonStatus.Field("entries", "3"));

        assertThatThrownBy(() -> DaemonStatus.of(fields)).hasMessageContaining("entries appears twice");
    }

    @Test
    void of_badFormats_throw() {
        assertThatThrownBy(() -> withValue("last_transition", "restart")).hasMessageContaining("last_transition");
        assertThatThrownBy(() -> withValue("started_at", "yesterday")).hasMessageContaining("started_at");
        assertThatThrownBy(() -> withValue("entries", "-1")).hasMessageContaining("entries");
        assertThatThrownBy(() -> withValue("serving_pid", "none")).hasMessageContaining("serving_pid");
        assertThatThrownBy(() -> withValue("standby_pid", "99999999999")).hasMessageContaining("standby_pid");
    }

    @Test
    void field_keyNotSnakeCase_throws() {
        assertThatThrownBy(() -> new DaemonStatus.Field("Serving-Pid", "1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lower_snake_case");
        assertThatThrownBy(() -> new DaemonStatus.Field("a".repeat(65), "1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DaemonStatus.Field("k", "v".repeat(4097)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static DaemonStatus withValue(String key, String value) {
        List<DaemonStatus.Field> fields = new ArrayList<>();
        for (DaemonStatus.Field f : minimal().build().fields()) {
            fields.add(f.key().equals(key) ? new DaemonStatus.Field(key, value) : f);
        }
        return DaemonStatus.of(fields);
    }
}
