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
            1f 00 00 00                  // body length 31
            01 00 00 00                  // fd count 1
            02 00 64 62                  // name: length 2, "db"
            05 00 00 00 68 65 6c 6c 6f   // metadata: length 5, "hello"
            00 00                        // namespace: "", the peer's default
            60 ea 00 00 00 00 00 00      // ttl 60000 ms
            88 13 00 00                  // grace 5000 ms
            01 00 00 00                  // lifetime flags: OWNER_BOUND
            """);

    /** The SAVE of the example: the lifetime it asks for. */
    private static final Request.Save SAVE_DB_REQUEST = new Request.Save("db",
            "hello".getBytes(StandardCharsets.UTF_8), "", new Lifetime(60_000, true, 5_000, false));

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
        byte[] frame = Frames.encode(2, SAVE_DB_REQUEST);

        assertThat(frame).isEqualTo(SAVE_DB);
    }

    @Test
    void decode_saveExample_givesSaveOfDb() throws ProtocolException {
        DecodedRequest decoded = Frames.decodeRequest(SAVE_DB);

        assertThat(decoded.header()).isEqualTo(new FrameHeader(1, 2, 0, 2, 31, 1));
        assertThat(decoded.request()).isEqualTo(SAVE_DB_REQUEST);
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
                44 00 00 00                  // body length 68
                01 00 00 00                  // fd count 1
                00 00 00 00                  // errno 0
                00 00                        // message ""
                01 00 00 00 00 00 00 00      // entry id 1
                02 00 64 62                  // name: length 2, "db"
                08 00 75 69 64 2e 31 30 30 30   // namespace: length 8, "uid.1000"
                01                           // kind 1: regular file
                02 80 00 00                  // open flags 0x8002: O_RDWR | O_LARGEFILE
                d2 04 00 00                  // pid 1234
                e8 03 00 00                  // uid 1000
                e9 03 00 00                  // gid 1001
                00 68 e5 cf 8b 01 00 00      // saved at 1700000000000 ms
                07 00 2f 74 6d 70 2f 64 62   // target: length 7, "/tmp/db"
                02 00 00 00 68 69            // metadata: length 2, "hi"
                """);
        EntryInfo entry = new EntryInfo(1, "db", "uid.1000", FileKind.REGULAR, 0x8002, 1234, 1000, 1001,
                1_700_000_000_000L, "/tmp/db", "hi".getBytes(StandardCharsets.UTF_8));

        assertThat(Frames.encode(0x83, 9, false, new Reply.Restored(entry))).isEqualTo(expected);
        assertThat(entry.encodedSize()).isEqualTo(68 - 4 - 2);
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

    @Test
    void encode_welcome_matchesHandWrittenBytes() {
        byte[] expected = hex("""
                46 44 53 54                  // magic
                01 81 00 00                  // version 1, type: HELLO reply, flags: none
                01 00 00 00 00 00 00 00      // request id 1
                2a 00 00 00                  // body length 42
                00 00 00 00                  // fd count 0
                00 00 00 00                  // errno 0
                00 00                        // message ""
                01 00                        // version 1
                00 00 00 00 00 00 00 00      // features: none
                92 10 00 00                  // daemon pid 4242
                00 00 02 00                  // max frame 131072
                ff 00                        // max name 255
                00 00 01 00                  // max metadata 65536
                fd 00                        // max fds per frame 253
                08 00 75 69 64 2e 31 30 30 30   // namespace: length 8, "uid.1000"
                """);
        Reply.Welcome welcome = new Reply.Welcome(1, 0, 4242, Limits.MAX_FRAME, Limits.MAX_NAME_BYTES,
                Limits.MAX_METADATA, Limits.MAX_FDS_PER_FRAME, "uid.1000");

        assertThat(Frames.encode(0x81, 1, false, welcome)).isEqualTo(expected);
    }

    @Test
    void encode_inspect_isAHeaderOnly() {
        byte[] expected = hex("""
                46 44 53 54                  // magic
                01 07 00 00                  // version 1, type INSPECT, flags: none
                0b 00 00 00 00 00 00 00      // request id 11
                00 00 00 00                  // body length 0
                00 00 00 00                  // fd count 0
                """);

        assertThat(Frames.encode(11, new Request.Inspect())).isEqualTo(expected);
    }

    @Test
    void encode_inspectedEntry_matchesHandWrittenBytes() throws ProtocolException {
        byte[] expected = hex("""
                46 44 53 54                  // magic
                01 87 00 00                  // version 1, type: INSPECT reply, flags: none
                0b 00 00 00 00 00 00 00      // request id 11
                84 00 00 00                  // body length 132
                00 00 00 00                  // fd count 0
                00 00 00 00                  // errno 0
                00 00                        // message ""
                01 00 00 00                  // count 1
                01 00 00 00 00 00 00 00      // entry id 1
                02 00 64 62                  // name: length 2, "db"
                03 00 61 70 70               // namespace: length 3, "app"
                01                           // kind 1: regular file
                02 80 00 00                  // open flags 0x8002: O_RDWR | O_LARGEFILE
                d2 04 00 00                  // pid 1234
                e8 03 00 00                  // uid 1000
                e9 03 00 00                  // gid 1001
                00 68 e5 cf 8b 01 00 00      // saved at 1700000000000 ms
                07 00 2f 74 6d 70 2f 64 62   // target: length 7, "/tmp/db"
                00 00 00 00                  // metadata: none
                60 ea 00 00 00 00 00 00      // ttl 60000 ms
                88 13 00 00                  // grace 5000 ms
                01 00 00 00                  // lifetime flags: OWNER_BOUND
                60 52 e6 cf 8b 01 00 00      // expires at 1700000060000 ms
                d2 04 00 00                  // bound to pid 1234
                00 00 00 00 00 00 00 00      // owner exited at: not yet
                00                           // watch flags: none (a regular file never hangs up)
                1f 00 00 00                  // mount id 31
                04 00 2f 74 6d 70            // mount point: length 4, "/tmp"
                01 08 00 00 00 00 00 00      // device 8:1
                2a 00 00 00 00 00 00 00      // inode 42
                00 00                        // socket: none
                00 00                        // peer: none
                """);
        EntryInfo entry = new EntryInfo(1, "db", "app", FileKind.REGULAR, 0x8002, 1234, 1000, 1001,
                1_700_000_000_000L, "/tmp/db", new byte[0]);
        InspectInfo inspected = new InspectInfo(entry, new Lifetime(60_000, true, 5_000, false),
                1_700_000_060_000L, 1234, 0, false, 31, "/tmp", 0x801, 42, "", "");

        assertThat(Frames.encode(0x87, 11, false, new Reply.Inspected(java.util.List.of(inspected))))
                .isEqualTo(expected);
        assertThat(Frames.decodeReply(expected).reply())
                .isEqualTo(new Reply.Inspected(java.util.List.of(inspected)));
        assertThat(inspected.releaseAtMillis()).isZero();
    }

    @Test
    void encode_dropByMountAndItsReply_matchHandWrittenBytes() {
        byte[] request = hex("""
                46 44 53 54                  // magic
                01 08 00 00                  // version 1, type DROP, flags: none
                0c 00 00 00 00 00 00 00      // request id 12
                07 00 00 00                  // body length 7
                00 00 00 00                  // fd count 0
                01                           // target tag 1: mount
                04 00 2f 6d 6e 74            // path: length 4, "/mnt"
                """);
        byte[] reply = hex("""
                46 44 53 54                  // magic
                01 88 00 00                  // version 1, type: DROP reply, flags: none
                0c 00 00 00 00 00 00 00      // request id 12
                0a 00 00 00                  // body length 10
                00 00 00 00                  // fd count 0
                00 00 00 00                  // errno 0
                00 00                        // message ""
                02 00 00 00                  // count 2
                """);

        assertThat(Frames.encode(12, new Request.Drop(new DropTarget.Mount("/mnt")))).isEqualTo(request);
        assertThat(Frames.encode(0x88, 12, false, new Reply.Dropped(2))).isEqualTo(reply);
    }

    @Test
    void encode_dropByUidNamespaceAndId_matchHandWrittenBytes() {
        assertThat(Frames.encode(1, new Request.Drop(new DropTarget.Uid(1000)))).isEqualTo(hex("""
                46 44 53 54 01 08 00 00  01 00 00 00 00 00 00 00  05 00 00 00  00 00 00 00
                02                           // target tag 2: uid
                e8 03 00 00                  // uid 1000
                """));
        assertThat(Frames.encode(1, new Request.Drop(new DropTarget.Namespace("app")))).isEqualTo(hex("""
                46 44 53 54 01 08 00 00  01 00 00 00 00 00 00 00  06 00 00 00  00 00 00 00
                03                           // target tag 3: namespace
                03 00 61 70 70               // namespace: length 3, "app"
                """));
        assertThat(Frames.encode(1, new Request.Drop(new DropTarget.Id(7)))).isEqualTo(hex("""
                46 44 53 54 01 08 00 00  01 00 00 00 00 00 00 00  09 00 00 00  00 00 00 00
                04                           // target tag 4: id
                07 00 00 00 00 00 00 00      // id 7
                """));
    }

    /** The STATUS example of docs/protocol.md. */
    private static final byte[] STATUS_REPLY = hex("""
            46 44 53 54  01  89  00 00   // magic, version 1, type: STATUS reply, flags: none
            04 00 00 00 00 00 00 00      // request id 4
            14 01 00 00                  // body length 276
            00 00 00 00                  // fd count 0
            00 00 00 00  00 00           // errno 0, message ""
            0c 00 00 00                  // 12 pairs
            0b 00 73 65 72 76 69 6e 67 5f 70 69 64                                         // "serving_pid"
            04 00 34 32 34 32                                                              // "4242"
            0b 00 73 74 61 6e 64 62 79 5f 70 69 64                                         // "standby_pid"
            04 00 34 32 34 33                                                              // "4243"
            04 00 72 6f 6c 65                                                              // "role"
            07 00 73 65 72 76 69 6e 67                                                     // "serving"
            07 00 65 6e 74 72 69 65 73                                                     // "entries"
            01 00 32                                                                       // "2"
            03 00 66 64 73                                                                 // "fds"
            01 00 39                                                                       // "9"
            08 00 66 64 5f 6c 69 6d 69 74                                                  // "fd_limit"
            06 00 35 32 34 32 38 38                                                        // "524288"
            08 00 63 61 70 61 63 69 74 79                                                  // "capacity"
            06 00 35 32 34 31 36 30                                                        // "524160"
            0a 00 73 74 61 72 74 65 64 5f 61 74                                            // "started_at"
            18 00 32 30 32 36 2d 31 31 2d 32 34 54 30 34 3a 33 32 3a 33 30 2e 31 32 33 5a  // "2026-11-24T04:32:30.123Z"
            0f 00 6c 61 73 74 5f 74 72 61 6e 73 69 74 69 6f 6e                             // "last_transition"
            08 00 68 61 6e 64 6f 76 65 72                                                  // "handover"
            12 00 6c 61 73 74 5f 74 72 61 6e 73 69 74 69 6f 6e 5f 61 74                    // "last_transition_at"
            18 00 32 30 32 36 2d 31 31 2d 32 34 54 30 35 3a 30 30 3a 30 30 2e 30 30 30 5a  // "2026-11-24T05:00:00.000Z"
            18 00 6c 61 73 74 5f 74 72 61 6e 73 69 74 69 6f 6e 5f 70 61 75 73 65 5f 6d 73  // "last_transition_pause_ms"
            02 00 31 32                                                                    // "12"
            07 00 76 65 72 73 69 6f 6e                                                     // "version"
            05 00 30 2e 31 2e 30                                                           // "0.1.0"
            """);

    private static final DaemonStatus STATUS = DaemonStatus.builder()
            .servingPid(4242).standbyPid(4243)
            .counts(2, 9, 524288, 524160)
            .startedAt(java.time.Instant.parse("2026-11-24T04:32:30.123Z"))
            .lastTransition(DaemonStatus.Transition.HANDOVER, java.time.Instant.parse("2026-11-24T05:00:00Z"), 12)
            .version("0.1.0")
            .build();

    @Test
    void encode_status_isAHeaderOnly() throws ProtocolException {
        byte[] expected = hex("""
                46 44 53 54  01  09  00 00   // magic, version 1, type STATUS, flags: none
                04 00 00 00 00 00 00 00      // request id 4
                00 00 00 00                  // body length 0
                00 00 00 00                  // fd count 0
                """);

        assertThat(Frames.encode(4, new Request.Status())).isEqualTo(expected);
        assertThat(Frames.decodeRequest(expected).request()).isEqualTo(new Request.Status());
    }

    @Test
    void encode_statusReplyExample_matchesSpecBytes() {
        assertThat(Frames.encode(0x89, 4, false, new Reply.Reported(STATUS))).isEqualTo(STATUS_REPLY);
    }

    @Test
    void decode_statusReplyExample_givesTypedValues() throws ProtocolException {
        DaemonStatus status = ((Reply.Reported) Frames.decodeReply(STATUS_REPLY).reply()).status();

        assertThat(status).isEqualTo(STATUS);
        assertThat(status.servingPid()).isEqualTo(4242);
        assertThat(status.standbyPid()).hasValue(4243);
        assertThat(status.lastTransition()).isEqualTo(DaemonStatus.Transition.HANDOVER);
        assertThat(status.lastTransitionPauseMs()).hasValue(12);
        assertThat(status.fields()).extracting(DaemonStatus.Field::key).isEqualTo(DaemonStatus.KEYS);
    }

    /** The GOAWAY example of docs/protocol.md. */
    private static final byte[] GOAWAY_HANDOVER = hex("""
            46 44 53 54  01  ff  00 00   // magic, version 1, type 0xFF, flags: none
            00 00 00 00 00 00 00 00      // request id 0
            1c 00 00 00                  // body length 28
            00 00 00 00                  // fd count 0
            01 00 00 00                  // reason 1: handover
            16 00 64 61 65 6d 6f 6e 20 34 32 34 32 20 68 61 6e 64 73 20 6f 76 65 72  // "daemon 4242 hands over"
            """);

    @Test
    void encode_goAwayExample_matchesSpecBytes() {
        Reply goAway = new Reply.GoAway(Reply.GoAway.Reason.HANDOVER, "daemon 4242 hands over");

        assertThat(Frames.encode(0xFF, 0, false, goAway)).isEqualTo(GOAWAY_HANDOVER);
    }

    @Test
    void decode_goAwayExample_givesHandover() throws ProtocolException {
        assertThat(Frames.decodeReply(GOAWAY_HANDOVER).reply())
                .isEqualTo(new Reply.GoAway(Reply.GoAway.Reason.HANDOVER, "daemon 4242 hands over"));
    }

    @Test
    void decode_goAwayShutdownAndErrorReply_areToldApartByTheirCode() throws ProtocolException {
        byte[] shutdown = Frames.withInt(GOAWAY_HANDOVER, 24, 2);
        byte[] error = Frames.withInt(GOAWAY_HANDOVER, 24, 71);

        assertThat(Frames.decodeReply(shutdown).reply())
                .isEqualTo(new Reply.GoAway(Reply.GoAway.Reason.SHUTDOWN, "daemon 4242 hands over"));
        assertThat(Frames.decodeReply(error).reply()).isEqualTo(new Reply.Failure(71, "daemon 4242 hands over"));
    }
}
