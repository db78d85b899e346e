package org.fdstore.daemon.continuity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.fdstore.daemon.DaemonConfig;
import org.fdstore.daemon.server.ServerLimits;
import org.junit.jupiter.api.Test;

class SettingsTest {
    @Test
    void config_ofItsOwnPairs_isTheSameConfiguration() {
        DaemonConfig config = DaemonConfig.at(Path.of("/run/x.sock"))
                .withSecurity(Path.of("/etc/fdstore.policy"), "wheel", Path.of("/var/log/audit"))
                .withContinuity(true, 1500).withNotifySocket("@notify").withBusyPoll(7)
                .withFairShare(64, 8, 50);

        assertThat(Settings.config(Settings.of(config))).isEqualTo(config);
    }

    @Test
    void config_fromABuildWithoutBusyPoll_pollsTheDefault() {
        Map<String, String> pairs = new java.util.LinkedHashMap<>(Settings.of(DaemonConfig.at(Path.of("/x.sock"))
                .withBusyPoll(7)));
        pairs.remove("busy_poll_us");

        assertThat(Settings.config(pairs).limits().busyPollMicros())
                .isEqualTo(ServerLimits.DEFAULT_BUSY_POLL_MICROS);
    }

    @Test
    void config_fromABuildWithoutFairShare_limitsAQuarterAndTheDefaultRate() {
        Map<String, String> pairs = new java.util.LinkedHashMap<>(Settings.of(DaemonConfig.at(Path.of("/x.sock"))
                .withFairShare(64, 8, 50)));
        pairs.remove("connections_per_uid");
        pairs.remove("notify_per_second");

        ServerLimits limits = Settings.config(pairs).limits();
        assertThat(limits.perUidConnectionLimit()).isEqualTo(16);
        assertThat(limits.notifyPerSecond()).isEqualTo(ServerLimits.DEFAULT_NOTIFY_PER_SECOND);
    }
}
