package org.fdstore.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fdstore.protocol.Frames.hex;

import java.nio.charset.StandardCharsets;
import org.fdstore.linux.FileKind;
import org.junit.jupiter.api.Test;

/** Exact bytes: the examples of docs/protocol.md, and a few more worked out by hand from its tables. */
class GoldenVectorTest {

    /** The SAVE example at the end of docs/protocol.md. */
    private static final byte[] SAVE_DB = hex("""
            46 44 53 54                  // magic "FDST"
            01                           // version 1
            02                           // type SAVE
            00 00                        // flags: none
            02 00 00 00 00 00 00 00      // request id 2
            0d 00 00 00                  // body length 13
            01 00 00 00                  // fd count 1
            02 00 64 62                  // name: length 2, "db"
            05 00 00 00 68 65 6c 6c 6f   // metadata: length 5, "hello"
            """);

    /** Its reply, from the same page. */
    private static final byte[] SAVED_1 = hex("""
            46 44 53 54                  // magic
            01                           // version 1
            82                           // type: SAVE reply
            00 00                        // flags: none
            02 00 00 00 00 00 00 00      // request id 2
            0e 00 00 00                  // body length 14
            00 00 00 00                  // fd count 0
            00 00 00 00                  // errno 0
            00 00                        // message ""
            01 00 00 00 00 00 00 00      // id 1
            """);

    @Test
    void encode_saveExample_matchesSpecBytes() {
        byte[] frame = Frames.encode(2, new Request.Save("db", "hello".getBytes(StandardCharsets.UTF_8)));

        assertThat(frame).isEqualTo(SAVE_DB);
    }

    @Test
    void decode_saveExample_givesSaveOfDb() throws ProtocolException {
        DecodedRequest decoded = Frames.decodeRequest(SAVE_DB);

        assertThat(decoded.header()).isEqualTo(new FrameHeader(1, 2, 0, 2, 13, 1));
        assertThat(decoded.request()).isEqualTo(new Request.Save("db", "hello".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void encode_savedReplyExample_matchesSpecBytes() {
        byte[] frame = Frames.encode(0x82, 2, false, new Reply.Saved(1));

        assertThat(frame).isEqualTo(SAVED_1);
    }

    @Test
    void decode_savedReplyExample_givesSavedId1() throws ProtocolException {
        DecodedReply decoded = Frames.decodeReply(SAVED_1);

        assertThat(decoded.header()).isEqualTo(new FrameHeader(1, 0x82, 0, 2, 14, 0));
        assertThat(decoded.reply()).isEqualTo(new Reply.Saved(1));
    }

    @Test
    void encode_helloV1_matchesHandWrittenBytes() {
        byte[] expected = hex("""
                46 44 53 54                  // magic
                01 01 00 00                  // version 1, type HELLO, flags: none
                01 00 00 00 00 00 00 00      // request id 1
                11 00 00 00                  // body length 17
                00 00 00 00                  // fd count 0
                01 00                        // min version 1
                01 00                        // max version 1
                00 00 00 00 00 00 00 00      // features: none
                03 00 63 6c 69               // client name: length 3, "cli"
                """);

        assertThat(Frames.encode(1, new Request.Hello(1, 1, 0, "cli"))).isEqualTo(expected);
    }

    @Test
    void encode_restoreByName_matchesHandWrittenBytes() {
        byte[] expected = hex("""
                46 44 53 54                  // magic
                01 03 00 00                  // version 1, type RESTORE, flags: none
                03 00 00 00 00 00 00 00      // request id 3
                05 00 00 00                  // body length 5
                00 00 00 00                  // fd count 0
                02                           // selector tag 2: by name
                02 00 64 62                  // name: length 2, "db"
                """);

        assertThat(Frames.encode(3, new Request.Restore(new Selector.ByName("db")))).isEqualTo(expected);
    }

    @Test
    void encode_removeById_matchesHandWrittenBytes() {
        byte[] expected = hex("""
                46 44 53 54                  // magic
                01 04 00 00                  // version 1, type REMOVE, flags: none
                ff ff ff ff ff ff ff ff      // request id 2^64 - 1
                09 00 00 00                  // body length 9
                00 00 00 00                  // fd count 0
                01                           // selector tag 1: by id
                07 00 00 00 00 00 00 00      // id 7
                """);

        assertThat(Frames.encode(-1L, new Request.Remove(new Selector.ById(7)))).isEqualTo(expected);
    }

    @Test
    void encode_restoredEntry_matchesHandWrittenBytes() {
        byte[] expected = hex("""
                46 44 53 54                  // magic
                01 83 00 00                  // version 1, type: RESTORE reply, flags: none
                09 00 00 00 00 00 00 00      // request id 9
                3a 00 00 00                  // body length 58
                01 00 00 00                  // fd count 1
                00 00 00 00                  // errno 0
                00 00                        // message ""
                01 00 00 00 00 00 00 00      // entry id 1
                02 00 64 62                  // name: length 2, "db"
                01                           // kind 1: regular file
                02 80 00 00                  // open flags 0x8002: O_RDWR | O_LARGEFILE
                d2 04 00 00                  // pid 1234
                e8 03 00 00                  // uid 1000
                e9 03 00 00                  // gid 1001
                00 68 e5 cf 8b 01 00 00      // saved at 1700000000000 ms
                07 00 2f 74 6d 70 2f 64 62   // target: length 7, "/tmp/db"
                02 00 00 00 68 69            // metadata: length 2, "hi"
                """);
        EntryInfo entry = new EntryInfo(1, "db", FileKind.REGULAR, 0x8002, 1234, 1000, 1001, 1_700_000_000_000L,
                "/tmp/db", "hi".getBytes(StandardCharsets.UTF_8));

        assertThat(Frames.encode(0x83, 9, false, new Reply.Restored(entry))).isEqualTo(expected);
        assertThat(entry.encodedSize()).isEqualTo(58 - 4 - 2);
    }

    @Test
    void encode_errorReply_matchesHandWrittenBytes() {
        byte[] expected = hex("""
                46 44 53 54                  // magic
                01 ff 00 00                  // version 1, type 0xFF: header unreadable, flags: none
                00 00 00 00 00 00 00 00      // request id 0
                0a 00 00 00                  // body length 10
                00 00 00 00                  // fd count 0
                47 00 00 00                  // errno 71: EPROTO
                04 00 62 61 64 21            // message: length 4, "bad!"
                """);

        assertThat(Frames.encode(0xFF, 0, false, new Reply.Failure(71, "bad!"))).isEqualTo(expected);
    }

    @Test
    void encode_emptyListContinuing_matchesHandWrittenBytes() {
        byte[] expected = hex("""
                46 44 53 54                  // magic
                01 86 01 00                  // version 1, type: LIST reply, flags: CONTINUES
                05 00 00 00 00 00 00 00      // request id 5
                0a 00 00 00                  // body length 10
                00 00 00 00                  // fd count 0
                00 00 00 00                  // errno 0
                00 00                        // message ""
                00 00 00 00                  // count 0
                """);

        assertThat(Frames.encode(0x86, 5, true, new Reply.Listed(java.util.List.of()))).isEqualTo(expected);
    }
}
