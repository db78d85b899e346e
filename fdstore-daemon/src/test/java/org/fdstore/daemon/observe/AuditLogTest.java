package org.fdstore.daemon.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class AuditLogTest {
    @Test
    void refusal_overTheWindowLimit_isSuppressedAndSummedUpWhenTheWindowEnds() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long[] now = {0};
        Clock clock = new Clock() {
            @Override
            public long millis() {
                return now[0];
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(now[0]);
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        AuditLog audit = new AuditLog(new EventLog(new PrintStream(bytes, true, StandardCharsets.UTF_8), clock), clock);

        for (int i = 0; i < 25; i++) audit.refusal(1000, "restore", "uid", 1000, "result", "ENOENT");
        for (int i = 0; i < 3; i++) audit.refusal(1001, "restore", "uid", 1001, "result", "ENOENT");
        audit.record("save", "uid", 1000, "result", "ok");
        now[0] = AuditLog.WINDOW_MILLIS;
        audit.tick();

        String log = bytes.toString(StandardCharsets.UTF_8);
        assertThat(log.lines().filter(l -> l.contains("event=restore uid=1000"))).hasSize(AuditLog.REFUSALS_PER_WINDOW);
        assertThat(log.lines().filter(l -> l.contains("event=restore uid=1001"))).hasSize(3);
        assertThat(log).contains("event=save uid=1000 result=ok");
        assertThat(log.lines().filter(l -> l.contains("event=refusals_suppressed"))).containsExactly(
                "ts=1970-01-01T00:00:10Z event=refusals_suppressed uid=1000 count=5 window_ms=10000");

        audit.refusal(1000, "restore", "uid", 1000, "result", "ENOENT");
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("event=restore uid=1000"))).hasSize(AuditLog.REFUSALS_PER_WINDOW + 1);
    }
}
