package org.fdstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.FileKind;
import org.fdstore.protocol.EntryInfo;
import org.junit.jupiter.api.Test;

class EntryTableTest {
    // 2023-11-14T22:13:20.999Z: the milliseconds are cut, not rounded.
    private static final long SAVED = 1_700_000_000_999L;

    @Test
    void format_noEntries_printsHeaderOnly() {
        assertThat(EntryTable.format(List.of())).isEqualTo("ID  NAME  KIND  FLAGS  PID  UID  SAVED  TARGET\n");
    }

    @Test
    void format_entries_padsColumnsAndMarksUnnamed() {
        List<EntryInfo> entries = List.of(
                new EntryInfo(1, "db", FileKind.REGULAR, Fcntl.O_RDWR | Fcntl.O_APPEND, 4321, 0, 0, SAVED,
                        "/tmp/foobar", new byte[0]),
                new EntryInfo(12, "", FileKind.SOCKET, Fcntl.O_RDWR, 7, -2, -2, 0, "socket:[41312]",
                        new byte[3]));

        assertThat(EntryTable.format(entries)).isEqualTo("""
                ID  NAME  KIND    FLAGS            PID   UID         SAVED                 TARGET
                1   db    file    O_RDWR|O_APPEND  4321  0           2023-11-14T22:13:20Z  /tmp/foobar
                12  -     socket  O_RDWR           7     4294967294  1970-01-01T00:00:00Z  socket:[41312]
                """);
    }

    @Test
    void format_controlCharactersInTarget_stayOnOneLine() {
        EntryInfo entry = new EntryInfo(1, "a", FileKind.REGULAR, 0, 1, 0, 0, 0, "/tmp/x\ny\tz\u0001", new byte[0]);

        assertThat(EntryTable.format(List.of(entry)).lines()).hasSize(2)
                .last().asString().endsWith("/tmp/x\\ny\\tz\\x01");
    }

    @Test
    void format_unsignedId_printsUnsigned() {
        EntryInfo entry = new EntryInfo(-1, "a", FileKind.PIPE, 0, 1, 0, 0, 0, "pipe:[1]", new byte[0]);

        assertThat(EntryTable.format(List.of(entry))).contains("18446744073709551615  a");
    }
}
