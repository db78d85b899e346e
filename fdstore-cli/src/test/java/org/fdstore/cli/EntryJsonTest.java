package org.fdstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.FileKind;
import org.fdstore.protocol.EntryInfo;
import org.junit.jupiter.api.Test;

class EntryJsonTest {
    @Test
    void format_noEntries_printsEmptyArray() {
        assertThat(EntryJson.format(List.of())).isEqualTo("[]\n");
    }

    @Test
    void format_entries_printsEveryKeyAndNullForUnnamed() {
        List<EntryInfo> entries = List.of(
                new EntryInfo(1, "db", FileKind.REGULAR, Fcntl.O_RDWR, 4321, 1000, 100, 1_700_000_000_999L,
                        "/tmp/foobar", new byte[5]),
                new EntryInfo(2, "", FileKind.ANON_INODE, Fcntl.O_RDONLY | Fcntl.O_NONBLOCK, 7, -2, -2, 0,
                        "anon_inode:[eventfd]", new byte[0]));

        assertThat(EntryJson.format(entries)).isEqualTo("""
                [
                  {"id":1,"name":"db","kind":"file","flags":"O_RDWR","open_flags":2,"pid":4321,"uid":1000,\
                "gid":100,"saved_at":"2023-11-14T22:13:20Z","target":"/tmp/foobar","metadata_bytes":5},
                  {"id":2,"name":null,"kind":"anon_inode","flags":"O_RDONLY|O_NONBLOCK","open_flags":2048,"pid":7,\
                "uid":4294967294,"gid":4294967294,"saved_at":"1970-01-01T00:00:00Z","target":"anon_inode:[eventfd]",\
                "metadata_bytes":0}
                ]
                """);
    }

    @Test
    void string_specialCharacters_areEscaped() {
        assertThat(json("a\"b\\c/d")).isEqualTo("\"a\\\"b\\\\c/d\"");
        assertThat(json("\b\f\n\r\t")).isEqualTo("\"\\b\\f\\n\\r\\t\"");
        assertThat(json("\u0000\u001f\u007f")).isEqualTo("\"\\u0000\\u001f\\u007f\"");
        assertThat(json("\u2028\u2029")).isEqualTo("\"\\u2028\\u2029\"");
    }

    @Test
    void string_nonAscii_staysRawButLoneSurrogatesAreEscaped() {
        assertThat(json("é€😀")).isEqualTo("\"é€😀\"");
        assertThat(json("x\ud800y\udc00")).isEqualTo("\"x\\ud800y\\udc00\"");
    }

    private static String json(String s) {
        StringBuilder out = new StringBuilder();
        EntryJson.string(s, out);
        return out.toString();
    }
}
