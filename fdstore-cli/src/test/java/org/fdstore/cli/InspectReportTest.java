package org.fdstore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.FileKind;
import org.fdstore.protocol.EntryInfo;
import org.fdstore.protocol.InspectInfo;
import org.fdstore.protocol.Lifetime;
import org.junit.jupiter.api.Test;

class InspectReportTest {
    private static final long SAVED = 1_700_000_000_000L;

    private static InspectInfo file() {
        EntryInfo e = new EntryInfo(1, "db", "uid.0", FileKind.REGULAR, Fcntl.O_RDWR, 4321, 0, 0, SAVED, "/mnt/db",
                new byte[2]);
        return new InspectInfo(e, new Lifetime(60_000, false, 0, false), SAVED + 60_000, 0, 0, false, 31, "/mnt",
                0x801, 12, "", "");
    }

    private static InspectInfo pipe() {
        EntryInfo e = new EntryInfo(2, "", "uid.1000", FileKind.PIPE, Fcntl.O_RDONLY, 77, 1000, 1000, SAVED,
                "pipe:[9]", new byte[0]);
        return new InspectInfo(e, new Lifetime(0, true, 10_000, false), 0, 77, SAVED + 1_000, true, 13, "", 0xd, 9,
                "", "");
    }

    private static InspectInfo socket() {
        EntryInfo e = new EntryInfo(3, "s", "app", FileKind.SOCKET, Fcntl.O_RDWR, 5, 0, 0, SAVED, "socket:[8]",
                new byte[0]);
        return new InspectInfo(e, new Lifetime(0, false, 0, true), 0, 0, 0, false, 8, "", 0x8, 8,
                "unix stream connected", "pid=9 uid=0 gid=0");
    }

    @Test
    void table_entries_showWhatTheyPinAndHowLongTheyLive() {
        assertThat(InspectReport.table(List.of(file(), pipe(), socket()), SAVED + 5_000)).isEqualTo("""
                ID  NAMESPACE  NAME  KIND    UID   PID   AGE  LIFETIME            MOUNT  DEVICE  INODE  PINS
                1   uid.0      db    file    0     4321  5s   ttl=55s             /mnt   8:1     12     /mnt/db
                2   uid.1000   -     pipe    1000  77    5s   grace=6s,hup        -      0:13    9      pipe:[9] read end
                3   app        s     socket  0     5     5s   until-removed,keep  -      0:8     8      unix stream connected peer pid=9 uid=0 gid=0
                """);
    }

    @Test
    void json_entry_holdsEveryField() {
        String json = InspectReport.json(List.of(pipe()), SAVED + 5_000);

        assertThat(json).startsWith("[\n  {\"id\":2,\"namespace\":\"uid.1000\",\"name\":null,\"kind\":\"pipe\"")
                .contains("\"age_ms\":5000", "\"pipe\":\"read\"", "\"fuse\":false", "\"mount_point\":null",
                        "\"device\":\"0:13\"", "\"owner_bound\":true", "\"grace_ms\":10000", "\"bound_pid\":77",
                        "\"owner_exited_at\":\"2023-11-14T22:13:21Z\"", "\"release_at\":\"2023-11-14T22:13:31Z\"",
                        "\"hangup_watched\":true")
                .endsWith("}}\n]\n");
        assertThat(InspectReport.json(List.of(), 0)).isEqualTo("[]\n");
    }

    @Test
    void device_linuxDevT_isMajorColonMinor() {
        assertThat(InspectReport.device(0x801)).isEqualTo("8:1");
        assertThat(InspectReport.device((259L << 8) | 3)).isEqualTo("259:3");
    }

    @Test
    void durations_parseAndFormat() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(Durations.parse("PT5S")).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> Durations.parse("5 min")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Durations.format(450)).isEqualTo("450ms");
        assertThat(Durations.format(65_000)).isEqualTo("1m5s");
        assertThat(Durations.format(3_600_000)).isEqualTo("1h");
        assertThat(Durations.format(90_061_000)).isEqualTo("1d1h");
        assertThat(Durations.format(-5)).isEqualTo("0ms");
    }
}
