package org.fdstore.fuse.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fdstore.fuse.FuseRequest;
import org.fdstore.fuse.InitFlags;
import org.fdstore.fuse.InitResult;
import org.junit.jupiter.api.Test;

class RequestDecoderTest {
    static final InitResult EXT = new InitResult(7, 45, 45, -1L, InitFlags.SETXATTR_EXT | InitFlags.INIT_EXT,
            131072, 1 << 20, 256, 1, 0, 0, 0);
    static final InitResult COMPAT = new InitResult(7, 31, 31, 0xffffffffL, 0, 131072, 1 << 17, 0, 1, 0, 0, 0);

    static FuseRequest decode(byte[] bytes) throws MalformedRequestException {
        return RequestDecoder.decode(MemorySegment.ofArray(bytes), EXT);
    }

    @Test
    void lookup_goldenBytes() throws Exception {
        byte[] bytes = HexFormat.of().parseHex(
                "2e000000"              // len = 46
                + "01000000"            // opcode = FUSE_LOOKUP (1)
                + "0700000000000080"    // unique = 7 with bit 63: a resent request
                + "0100000000000000"    // nodeid = 1 (the root)
                + "e8030000"            // uid = 1000
                + "64000000"            // gid = 100
                + "92100000"            // pid = 4242
                + "0000"                // total_extlen = 0
                + "0000"                // padding
                + "68656c6c6f00");      // name = "hello\0"
        var lookup = (FuseRequest.Lookup) decode(bytes);
        assertThat(lookup.name()).isEqualTo("hello".getBytes());
        assertThat(lookup.context().unique()).isEqualTo(0x8000000000000007L);
        assertThat(lookup.context().resent()).isTrue();
        assertThat(lookup.context().nodeId()).isEqualTo(1);
        assertThat(lookup.context().uid()).isEqualTo(1000);
        assertThat(lookup.context().gid()).isEqualTo(100);
        assertThat(lookup.context().pid()).isEqualTo(4242);
        assertThat(lookup.context().groups()).isEmpty();
    }

    @Test
    void write_goldenBytes_dataIsAReadOnlyView() throws Exception {
        byte[] bytes = HexFormat.of().parseHex(
                "53000000" + "10000000" + "0200000000000000" + "0500000000000000"   // len 83, WRITE, unique 2, node 5
                + "00000000" + "00000000" + "01000000" + "0000" + "0000"            // uid 0, gid 0, pid 1, no ext
                + "0900000000000000"    // fh = 9
                + "0010000000000000"    // offset = 4096
                + "03000000"            // size = 3
                + "02000000"            // write_flags = FUSE_WRITE_LOCKOWNER
                + "2a00000000000000"    // lock_owner = 42
                + "02800000"            // flags = O_RDWR|O_LARGEFILE
                + "00000000"            // padding
                + "616263");            // data = "abc"
        var write = (FuseRequest.Write) decode(bytes);
        assertThat(write.fh()).isEqualTo(9);
        assertThat(write.offset()).isEqualTo(4096);
        assertThat(write.size()).isEqualTo(3);
        assertThat(write.writeFlags()).isEqualTo(FuseRequest.Write.WRITE_LOCKOWNER);
        assertThat(write.lockOwner()).isEqualTo(42);
        assertThat(write.flags()).isEqualTo(0x8002);
        assertThat(write.data().toArray(ValueLayout.JAVA_BYTE)).isEqualTo("abc".getBytes());
        assertThat(write.data().isReadOnly()).isTrue();
    }

    @Test
    void create_withSupplementaryGroupsExtension_exposesTheGroups() throws Exception {
        byte[] bytes = RequestBytes.of(Opcode.CREATE).nodeId(1)
                .u32(0x8041).u32(0100644).u32(022).u32(0).cstring("new")
                .groups(1234).build();
        // fuse_ext_header {size = 16, type = FUSE_EXT_GROUPS (32)}, fuse_supp_groups {nr_groups = 1, 1234}
        assertThat(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getShort(36)).isEqualTo((short) 2);
        var create = (FuseRequest.Create) decode(bytes);
        assertThat(create.name()).isEqualTo("new".getBytes());
        assertThat(create.mode()).isEqualTo(0100644);
        assertThat(create.umask()).isEqualTo(022);
        assertThat(create.context().groups()).containsExactly(1234);
    }

    @Test
    void extensions_unknownTypesAreSkipped_badSizesAreMalformed() throws Exception {
        byte[] ok = RequestBytes.of(Opcode.MKDIR).u32(040755).u32(022).cstring("d")
                .extension(1, new byte[12]).groups(5, 6, 7).build();
        assertThat(decode(ok).context().groups()).containsExactly(5, 6, 7);
        byte[] bad = RequestBytes.of(Opcode.MKDIR).u32(040755).u32(022).cstring("d").extension(32, new byte[0]).build();
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(bad.length - 8, 64);  // size runs past the end
        assertThatThrownBy(() -> decode(bad)).isInstanceOf(MalformedRequestException.class)
                .hasMessageContaining("extension of 64 bytes");
    }

    @Test
    void setxattr_followsTheAgreedStructSize() throws Exception {
        byte[] ext = RequestBytes.of(Opcode.SETXATTR).u32(2).u32(1).u32(1).u32(0).cstring("user.a").raw(new byte[] {9, 8})
                .build();
        var s = (FuseRequest.Setxattr) RequestDecoder.decode(MemorySegment.ofArray(ext), EXT);
        assertThat(s.name()).isEqualTo("user.a".getBytes());
        assertThat(s.value()).containsExactly(9, 8);
        assertThat(s.flags()).isEqualTo(1);
        assertThat(s.setxattrFlags()).isEqualTo(1);
        byte[] compat = RequestBytes.of(Opcode.SETXATTR).u32(2).u32(1).cstring("user.a").raw(new byte[] {9, 8}).build();
        var c = (FuseRequest.Setxattr) RequestDecoder.decode(MemorySegment.ofArray(compat), COMPAT);
        assertThat(c.value()).containsExactly(9, 8);
        assertThat(c.setxattrFlags()).isZero();
    }

    @Test
    void init_readsFlags2OnlyWithInitExt() throws Exception {
        long offered = InitFlags.INIT_EXT | InitFlags.PASSTHROUGH | InitFlags.ASYNC_READ;
        var init = (FuseRequest.Init) RequestDecoder.decode(RequestBytes.of(Opcode.INIT).u32(7).u32(45).u32(65536)
                .u32((int) offered).u32((int) (offered >>> 32)).raw(new byte[44]).segment(), null);
        assertThat(init.flags()).isEqualTo(offered);
        assertThat(init.maxReadahead()).isEqualTo(65536);
        var old = (FuseRequest.Init) RequestDecoder.decode(RequestBytes.of(Opcode.INIT).u32(7).u32(31).u32(4096)
                .u32(1).segment(), null);
        assertThat(old.flags()).isEqualTo(1);
    }

    /** One well-formed request per opcode, with the record it must decode to. */
    static Map<byte[], Class<? extends FuseRequest>> everyOpcode() {
        Map<byte[], Class<? extends FuseRequest>> m = new LinkedHashMap<>();
        m.put(RequestBytes.of(Opcode.LOOKUP).cstring("a").build(), FuseRequest.Lookup.class);
        m.put(RequestBytes.of(Opcode.FORGET).u64(3).build(), FuseRequest.Forget.class);
        m.put(RequestBytes.of(Opcode.BATCH_FORGET).u32(2).u32(0).u64(5).u64(1).u64(6).u64(2).build(),
                FuseRequest.BatchForget.class);
        m.put(RequestBytes.of(Opcode.GETATTR).u32(1).u32(0).u64(77).build(), FuseRequest.Getattr.class);
        m.put(RequestBytes.of(Opcode.STATX).u32(0).u32(0).u64(0).u32(0).u32(0x7ff).build(), FuseRequest.Statx.class);
        m.put(RequestBytes.of(Opcode.SETATTR).raw(new byte[88]).build(), FuseRequest.Setattr.class);
        m.put(RequestBytes.of(Opcode.READLINK).build(), FuseRequest.Readlink.class);
        m.put(RequestBytes.of(Opcode.SYMLINK).cstring("l").cstring("/target").build(), FuseRequest.Symlink.class);
        m.put(RequestBytes.of(Opcode.MKNOD).u32(010644).u32(0).u32(022).u32(0).cstring("p").build(),
                FuseRequest.Mknod.class);
        m.put(RequestBytes.of(Opcode.MKDIR).u32(0755).u32(022).cstring("d").build(), FuseRequest.Mkdir.class);
        m.put(RequestBytes.of(Opcode.UNLINK).cstring("f").build(), FuseRequest.Unlink.class);
        m.put(RequestBytes.of(Opcode.RMDIR).cstring("d").build(), FuseRequest.Rmdir.class);
        m.put(RequestBytes.of(Opcode.RENAME).u64(4).cstring("a").cstring("b").build(), FuseRequest.Rename.class);
        m.put(RequestBytes.of(Opcode.RENAME2).u64(4).u32(1).u32(0).cstring("a").cstring("b").build(),
                FuseRequest.Rename2.class);
        m.put(RequestBytes.of(Opcode.LINK).u64(9).cstring("h").build(), FuseRequest.Link.class);
        m.put(RequestBytes.of(Opcode.OPEN).u32(2).u32(0).build(), FuseRequest.Open.class);
        m.put(RequestBytes.of(Opcode.READ).u64(1).u64(0).u32(4096).u32(0).u64(0).u32(0).u32(0).build(),
                FuseRequest.Read.class);
        m.put(RequestBytes.of(Opcode.WRITE).u64(1).u64(0).u32(1).u32(0).u64(0).u32(0).u32(0).raw(new byte[] {1})
                .build(), FuseRequest.Write.class);
        m.put(RequestBytes.of(Opcode.STATFS).build(), FuseRequest.Statfs.class);
        m.put(RequestBytes.of(Opcode.RELEASE).u64(1).u32(0).u32(0).u64(0).build(), FuseRequest.Release.class);
        m.put(RequestBytes.of(Opcode.FSYNC).u64(1).u32(1).u32(0).build(), FuseRequest.Fsync.class);
        m.put(RequestBytes.of(Opcode.FLUSH).u64(1).u32(0).u32(0).u64(8).build(), FuseRequest.Flush.class);
        m.put(RequestBytes.of(Opcode.SETXATTR).u32(1).u32(0).u32(0).u32(0).cstring("user.x").raw(new byte[] {1})
                .build(), FuseRequest.Setxattr.class);
        m.put(RequestBytes.of(Opcode.GETXATTR).u32(0).u32(0).cstring("user.x").build(), FuseRequest.Getxattr.class);
        m.put(RequestBytes.of(Opcode.LISTXATTR).u32(100).u32(0).build(), FuseRequest.Listxattr.class);
        m.put(RequestBytes.of(Opcode.REMOVEXATTR).cstring("user.x").build(), FuseRequest.Removexattr.class);
        m.put(RequestBytes.of(Opcode.OPENDIR).u32(0).u32(0).build(), FuseRequest.Opendir.class);
        m.put(RequestBytes.of(Opcode.READDIR).u64(1).u64(2).u32(4096).u32(0).u64(0).u32(0).u32(0).build(),
                FuseRequest.Readdir.class);
        m.put(RequestBytes.of(Opcode.READDIRPLUS).u64(1).u64(2).u32(4096).u32(0).u64(0).u32(0).u32(0).build(),
                FuseRequest.Readdirplus.class);
        m.put(RequestBytes.of(Opcode.RELEASEDIR).u64(1).u32(0).u32(0).u64(0).build(), FuseRequest.Releasedir.class);
        m.put(RequestBytes.of(Opcode.FSYNCDIR).u64(1).u32(0).u32(0).build(), FuseRequest.Fsyncdir.class);
        m.put(RequestBytes.of(Opcode.ACCESS).u32(4).u32(0).build(), FuseRequest.Access.class);
        m.put(RequestBytes.of(Opcode.CREATE).u32(0x41).u32(0100600).u32(0).u32(0).cstring("c").build(),
                FuseRequest.Create.class);
        m.put(RequestBytes.of(Opcode.FALLOCATE).u64(1).u64(0).u64(4096).u32(0).u32(0).build(),
                FuseRequest.Fallocate.class);
        m.put(RequestBytes.of(Opcode.LSEEK).u64(1).u64(0).u32(3).u32(0).build(), FuseRequest.Lseek.class);
        m.put(RequestBytes.of(Opcode.COPY_FILE_RANGE).raw(new byte[56]).build(), FuseRequest.CopyFileRange.class);
        m.put(RequestBytes.of(Opcode.COPY_FILE_RANGE_64).raw(new byte[56]).build(), FuseRequest.CopyFileRange.class);
        m.put(RequestBytes.of(Opcode.INTERRUPT).u64(5).build(), FuseRequest.Interrupt.class);
        m.put(RequestBytes.of(Opcode.DESTROY).build(), FuseRequest.Destroy.class);
        m.put(RequestBytes.of(Opcode.INIT).u32(7).u32(45).u32(0).u32(0).build(), FuseRequest.Init.class);
        m.put(RequestBytes.of(Opcode.GETLK).raw(new byte[48]).build(), FuseRequest.Unknown.class);
        return m;
    }

    @Test
    void decode_everyOpcode_givesItsRecordWithTheHeaderContext() throws Exception {
        for (var e : everyOpcode().entrySet()) {
            FuseRequest r = decode(e.getKey());
            assertThat(r).as(Opcode.name(ByteBuffer.wrap(e.getKey()).order(ByteOrder.LITTLE_ENDIAN).getInt(4)))
                    .isInstanceOf(e.getValue());
            assertThat(r.context().unique()).isEqualTo(7);
            assertThat(r.context().pid()).isEqualTo(4242);
        }
    }

    @Test
    void decode_someFields() throws Exception {
        var batch = (FuseRequest.BatchForget) decode(everyOpcode().keySet().stream().skip(2).findFirst().orElseThrow());
        assertThat(batch.nodes()).containsExactly(new FuseRequest.Forgotten(5, 1), new FuseRequest.Forgotten(6, 2));
        var symlink = (FuseRequest.Symlink) decode(RequestBytes.of(Opcode.SYMLINK).cstring("l").cstring("/t").build());
        assertThat(new String(symlink.target())).isEqualTo("/t");
        var rename2 = (FuseRequest.Rename2) decode(RequestBytes.of(Opcode.RENAME2).u64(4).u32(2).u32(0)
                .cstring("a").cstring("b").build());
        assertThat(rename2.newDir()).isEqualTo(4);
        assertThat(rename2.flags()).isEqualTo(2);
        assertThat(new String(rename2.newName())).isEqualTo("b");
        var cfr = (FuseRequest.CopyFileRange) decode(RequestBytes.of(Opcode.COPY_FILE_RANGE_64)
                .u64(1).u64(2).u64(3).u64(4).u64(5).u64(6).u64(0).build());
        assertThat(cfr).isEqualTo(new FuseRequest.CopyFileRange(cfr.context(), 1, 2, 3, 4, 5, 6, 0, true));
        var unknown = (FuseRequest.Unknown) decode(RequestBytes.of(Opcode.GETLK).build());
        assertThat(unknown.opcode()).isEqualTo(Opcode.GETLK);
        // Names are bytes: anything but NUL and '/' round-trips, including invalid UTF-8.
        byte[] latin = {(byte) 0xff, (byte) 0xe9, 'x'};
        var lookup = (FuseRequest.Lookup) decode(RequestBytes.of(Opcode.LOOKUP).raw(latin).raw(new byte[] {0}).build());
        assertThat(lookup.name()).isEqualTo(latin);
    }

    @Test
    void decode_everyTruncation_isMalformedNeverAnException() {
        for (byte[] full : everyOpcode().keySet()) {
            int opcode = ByteBuffer.wrap(full).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
            if (opcode == Opcode.INIT || opcode == Opcode.GETLK) continue; // short INITs are legal; see below
            for (int cut = 0; cut < full.length - 40; cut++) {
                byte[] shorter = truncated(full, 40 + cut);
                assertThatThrownBy(() -> decode(shorter))
                        .as(Opcode.name(opcode) + " cut to " + (40 + cut) + " bytes")
                        .isInstanceOf(MalformedRequestException.class)
                        .hasMessageContaining(Opcode.name(opcode));
            }
        }
        assertThatThrownBy(() -> decode(truncated(RequestBytes.of(Opcode.INIT).u32(7).u32(45).build(), 44)))
                .isInstanceOf(MalformedRequestException.class);
        assertThatThrownBy(() -> decode(truncated(RequestBytes.of(Opcode.INIT).u32(7).u32(45).u32(0).build(), 48)))
                .isInstanceOf(MalformedRequestException.class);
    }

    @Test
    void decode_headerProblems_areMalformed() {
        assertThatThrownBy(() -> decode(new byte[39])).isInstanceOf(MalformedRequestException.class)
                .hasMessageContaining("shorter than fuse_in_header");
        byte[] lying = RequestBytes.of(Opcode.LOOKUP).cstring("a").build();
        ByteBuffer.wrap(lying).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 4096);
        assertThatThrownBy(() -> decode(lying)).hasMessageContaining("header len 4096 but 42 bytes read");
        byte[] ext = RequestBytes.of(Opcode.LOOKUP).cstring("a").build();
        ByteBuffer.wrap(ext).order(ByteOrder.LITTLE_ENDIAN).putShort(36, (short) 1);
        assertThatThrownBy(() -> decode(ext)).hasMessageContaining("8 extension bytes in a request of 42");
        byte[] huge = RequestBytes.of(Opcode.BATCH_FORGET).u32(-1).u32(0).build();
        assertThatThrownBy(() -> decode(huge)).hasMessageContaining("4294967295 fuse_forget_one");
        byte[] write = RequestBytes.of(Opcode.WRITE).u64(1).u64(0).u32(10).u32(0).u64(0).u32(0).u32(0).build();
        assertThatThrownBy(() -> decode(write)).hasMessageContaining("write data needs 10 bytes, got 0");
    }

    @Test
    void decode_oversizeArguments_areTolerated() throws Exception {
        var open = (FuseRequest.Open) decode(RequestBytes.of(Opcode.OPEN).u32(2).u32(1).u64(0).build());
        assertThat(open.flags()).isEqualTo(2);
        assertThat(open.openFlags()).isEqualTo(1);
        List<byte[]> padded = List.of(RequestBytes.of(Opcode.STATFS).u64(0).build());
        assertThat(decode(padded.get(0))).isInstanceOf(FuseRequest.Statfs.class);
    }

    static byte[] truncated(byte[] full, int length) {
        byte[] out = java.util.Arrays.copyOf(full, length);
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(0, length);
        return out;
    }
}
