package org.fdstore.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BusyPollSettingTest {
    @Test
    void busyPollMicros_readsTheEnvironmentValue() {
        assertThat(Connection.busyPollMicros("200")).isEqualTo(200);
        assertThat(Connection.busyPollMicros(" 0 ")).isZero();
    }

    @Test
    void busyPollMicros_unsetOrUnreadable_isTheDefault() {
        assertThat(Connection.busyPollMicros(null)).isEqualTo(Connection.DEFAULT_BUSY_POLL_MICROS);
        assertThat(Connection.busyPollMicros("fast")).isEqualTo(Connection.DEFAULT_BUSY_POLL_MICROS);
    }

    @Test
    void busyPollMicros_negative_turnsPollingOff() {
        assertThat(Connection.busyPollMicros("-5")).isZero();
    }
}
