package org.fdstore.daemon.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class EventLogTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T02:00:00.123Z"), ZoneOffset.UTC);

    /** Counts the writes that reach the file, as write(2) calls would. */
    private static final class CountingStream extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int writes;

        @Override
        public void write(int b) {
            writes++;
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writes++;
            bytes.write(b, off, len);
        }

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void log_outsideABatch_writesTheLineAtOnce() {
        CountingStream file = new CountingStream();
        EventLog log = new EventLog(new PrintStream(file, true, StandardCharsets.UTF_8), CLOCK);

        log.log("save", "id", 1, "name", "a b", "skipped", null);

        assertThat(file.text()).isEqualTo("ts=2026-11-24T02:00:00.123Z event=save id=1 name=\"a b\"\n");
    }

    @Test
    void log_inABatch_waitsUntilTheBatchClosesAndIsWrittenInOneWrite() {
        CountingStream file = new CountingStream();
        EventLog log = new EventLog(new PrintStream(file, true, StandardCharsets.UTF_8), CLOCK);

        log.openBatch();
        log.log("save", "id", 1);
        log.log("restore", "id", 1);
        log.log("remove", "id", 1);
        assertThat(file.text()).isEmpty();
        log.closeBatch();

        assertThat(file.text()).isEqualTo("""
                ts=2026-11-24T02:00:00.123Z event=save id=1
                ts=2026-11-24T02:00:00.123Z event=restore id=1
                ts=2026-11-24T02:00:00.123Z event=remove id=1
                """);
        assertThat(file.writes).isEqualTo(1);
    }

    @Test
    void log_afterTheBatchClosed_isWrittenAtOnceAgain() {
        CountingStream file = new CountingStream();
        EventLog log = new EventLog(new PrintStream(file, true, StandardCharsets.UTF_8), CLOCK);
        log.openBatch();
        log.closeBatch();
        log.closeBatch();

        log.log("hangup", "conn", 3);

        assertThat(file.text()).isEqualTo("ts=2026-11-24T02:00:00.123Z event=hangup conn=3\n");
    }

    @Test
    void log_stampsEachLineAsInstantToStringDoes() {
        for (String at : java.util.List.of("2026-11-24T02:00:00Z", "2026-11-24T02:00:00.120Z",
                "2026-11-24T02:00:00.000120Z", "2026-11-24T02:00:00.000000005Z", "2026-11-24T02:00:00.123456789Z",
                "2026-11-24T02:00:01.999999Z", "1970-01-01T00:00:00.001Z")) {
            Instant instant = Instant.parse(at);
            CountingStream file = new CountingStream();
            EventLog log = new EventLog(new PrintStream(file, true, StandardCharsets.UTF_8),
                    Clock.fixed(instant, ZoneOffset.UTC));

            log.log("tick");

            assertThat(file.text()).isEqualTo("ts=" + instant + " event=tick\n");
        }
    }

    @Test
    void log_nonAsciiValue_isWrittenAsUtf8() {
        CountingStream file = new CountingStream();
        EventLog log = new EventLog(new PrintStream(file, true, StandardCharsets.UTF_8), CLOCK);

        log.log("save", "name", "café", "id", 7L);

        assertThat(file.text()).isEqualTo("ts=2026-11-24T02:00:00.123Z event=save name=café id=7\n");
    }

    @Test
    void threshold_info_leavesOutDebugLinesAndKeepsWarnings() {
        CountingStream file = new CountingStream();
        EventLog log = new EventLog(new PrintStream(file, true, StandardCharsets.UTF_8), CLOCK);

        log.debug("save", "id", 1);
        log.log("listening");
        log.warning("accept_failed");

        assertThat(file.text()).isEqualTo("ts=2026-11-24T02:00:00.123Z event=listening\n"
                + "ts=2026-11-24T02:00:00.123Z event=accept_failed\n");
    }

    @Test
    void threshold_changedToDebug_writesDebugLinesFromThenOn() {
        CountingStream file = new CountingStream();
        EventLog log = new EventLog(new PrintStream(file, true, StandardCharsets.UTF_8), CLOCK, LogLevel.WARNING);

        log.log("listening");
        log.threshold(LogLevel.DEBUG);
        log.debug("save", "id", 1);

        assertThat(file.text()).isEqualTo("ts=2026-11-24T02:00:00.123Z event=save id=1\n");
    }

    @Test
    void parse_acceptsAnyCaseAndNamesTheLevelsWhenUnknown() {
        assertThat(LogLevel.parse("Debug")).isEqualTo(LogLevel.DEBUG);
        assertThat(LogLevel.parse("warning")).isEqualTo(LogLevel.WARNING);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LogLevel.parse("trace"))
                .hasMessage("unknown log level \"trace\": give debug, info or warning");
    }
}
