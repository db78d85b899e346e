package org.fdstore.fuse.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.fdstore.fuse.DirentBuffer;
import org.fdstore.fuse.FopenFlags;
import org.fdstore.fuse.FuseAttr;
import org.fdstore.fuse.FuseContext;
import org.fdstore.fuse.FuseEntry;
import org.fdstore.fuse.FuseReply;
import org.fdstore.fuse.FuseRequest;
import org.fdstore.fuse.FuseStatfs;
import org.fdstore.fuse.InitFlags;
import org.fdstore.fuse.InitResult;
import org.fdstore.linux.Errno;
import org.junit.jupiter.api.Test;

class ReplyEncoderTest {
    static final FuseContext C = new FuseContext(0x8000000000000005L, 1, 0, 0, 1, List.of());
    static final FuseAttr ATTR = new FuseAttr(2, 13, 1, 100, 1, 200, 2, 300, 3, 0100444, 1, 1000, 100, 0, 4096, 0);

    static String hex(FuseRequest request, FuseReply reply) {
        MemorySegment out = MemorySegment.ofArray(new byte[ReplyEncoder.size(request, reply)]);
        int n = ReplyEncoder.encode(request, reply, out);
        assertThat(n).isEqualTo(out.byteSize());
        return HexFormat.of().formatHex(out.toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void error_goldenBytes_negatesTheErrno() {
        assertThat(hex(new FuseRequest.Readlink(C), FuseReply.error(Errno.ENOENT))).isEqualTo(
                "10000000"                  // len = 16: header only
                + "feffffff"                // error = -2 (ENOENT)
                + "0500000000000080");      // unique, exactly as read (bit 63 kept)
        assertThat(hex(new FuseRequest.Readlink(C), FuseReply.error(Errno.UNKNOWN))).contains("fbffffff"); // -EIO
    }

    @Test
    void entry_goldenBytes() {
        var entry = new FuseEntry(2, 7, Duration.ofMillis(1500), Duration.ofSeconds(2), ATTR);
        assertThat(hex(new FuseRequest.Lookup(C, "a".getBytes()), FuseReply.entry(entry))).isEqualTo(
                "90000000" + "00000000" + "0500000000000080"     // header: len 144, ok, unique
                + "0200000000000000"        // nodeid
                + "0700000000000000"        // generation
                + "0100000000000000"        // entry_valid = 1 s
                + "0200000000000000"        // attr_valid = 2 s
                + "0065cd1d"                // entry_valid_nsec = 500000000
                + "00000000"                // attr_valid_nsec
                + "0200000000000000"        // attr.ino
                + "0d00000000000000"        // attr.size = 13
                + "0100000000000000"        // attr.blocks
                + "6400000000000000"        // attr.atime = 100
                + "c800000000000000"        // attr.mtime = 200
                + "2c01000000000000"        // attr.ctime = 300
                + "01000000" + "02000000" + "03000000"  // atimensec, mtimensec, ctimensec
                + "24810000"                // mode = 0100444
                + "01000000"                // nlink
                + "e8030000" + "64000000"   // uid 1000, gid 100
                + "00000000"                // rdev
                + "00100000"                // blksize 4096
                + "00000000");              // flags
    }

    @Test
    void attrOpenCreate_sizesAndFields() {
        String attr = hex(new FuseRequest.Getattr(C, 0, 0), FuseReply.attr(ATTR, Duration.ofSeconds(1)));
        assertThat(attr).hasSize(2 * (16 + 104)).startsWith("78000000").contains("0100000000000000" + "00000000"
                + "00000000" + "0200000000000000");  // attr_valid 1, nsec 0, dummy, attr.ino 2
        String open = hex(new FuseRequest.Open(C, 0, 0), FuseReply.openPassthrough(9, FopenFlags.KEEP_CACHE, 3));
        assertThat(open).isEqualTo("20000000" + "00000000" + "0500000000000080"
                + "0900000000000000"        // fh
                + "82000000"                // open_flags = FOPEN_PASSTHROUGH | FOPEN_KEEP_CACHE
                + "03000000");              // backing_id
        assertThat(hex(new FuseRequest.Opendir(C, 0, 0), FuseReply.open(4, FopenFlags.PASSTHROUGH)))
                .as("open() never sets PASSTHROUGH").endsWith("0400000000000000" + "00000000" + "00000000");
        var entry = new FuseEntry(2, 1, Duration.ZERO, Duration.ZERO, ATTR);
        String create = hex(new FuseRequest.Create(C, 0, 0, 0, 0, "c".getBytes()), FuseReply.create(entry, 6, 0));
        assertThat(create).hasSize(2 * (16 + 128 + 16)).endsWith("0600000000000000" + "00000000" + "00000000");
    }

    @Test
    void written_isU32ButU64ForCopyFileRange64() {
        var write = new FuseRequest.Write(C, 1, 0, 3, 0, 0, 0, MemorySegment.ofArray(new byte[3]));
        assertThat(hex(write, FuseReply.written(3))).endsWith("03000000" + "00000000");
        var wide = new FuseRequest.CopyFileRange(C, 1, 0, 2, 3, 0, 1L << 33, 0, true);
        assertThat(hex(wide, FuseReply.written(1L << 33))).endsWith("0000000002000000");
        var narrow = new FuseRequest.CopyFileRange(C, 1, 0, 2, 3, 0, 1L << 33, 0, false);
        assertThatThrownBy(() -> ReplyEncoder.size(narrow, FuseReply.written(1L << 33)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void statfsLseekXattr_goldenPayloads() {
        String statfs = hex(new FuseRequest.Statfs(C), FuseReply.statfs(new FuseStatfs(1, 2, 3, 4, 5, 4096, 255, 512)));
        assertThat(statfs).isEqualTo("60000000" + "00000000" + "0500000000000080"
                + "0100000000000000" + "0200000000000000" + "0300000000000000"  // blocks, bfree, bavail
                + "0400000000000000" + "0500000000000000"                       // files, ffree
                + "00100000" + "ff000000" + "00020000"                          // bsize, namelen, frsize
                + "00000000" + "00".repeat(24));                                // padding, spare[6]
        assertThat(hex(new FuseRequest.Lseek(C, 1, 0, 3), FuseReply.lseek(8192))).endsWith("0020000000000000");
        assertThat(hex(new FuseRequest.Getxattr(C, "user.a".getBytes(), 0), FuseReply.xattrSize(5)))
                .endsWith("05000000" + "00000000");
    }

    @Test
    void data_forReadReadlinkXattr_andTheLimits() {
        var read = new FuseRequest.Read(C, 1, 0, 4, 0, 0, 0);
        assertThat(hex(read, FuseReply.data(new byte[] {1, 2, 3}))).isEqualTo("13000000" + "00000000"
                + "0500000000000080" + "010203");
        assertThatThrownBy(() -> ReplyEncoder.size(read, FuseReply.data(new byte[5])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not answer READ");
        assertThat(hex(new FuseRequest.Readlink(C), FuseReply.readlink("/t".getBytes()))).endsWith("2f74");
        var query = new FuseRequest.Getxattr(C, "user.a".getBytes(), 0);
        assertThat(ReplyEncoder.normalize(query, FuseReply.xattr(new byte[7]))).isEqualTo(new FuseReply.XattrSize(7));
        var small = new FuseRequest.Listxattr(C, 4);
        assertThat(ReplyEncoder.normalize(small, FuseReply.xattr(new byte[7]))).isEqualTo(FuseReply.error(Errno.ERANGE));
        assertThat(ReplyEncoder.normalize(small, FuseReply.xattr(new byte[4]))).isInstanceOf(FuseReply.Data.class);
    }

    @Test
    void mismatchedReplies_areRejectedWithBothNames() {
        assertThatThrownBy(() -> ReplyEncoder.size(new FuseRequest.Getattr(C, 0, 0), FuseReply.ok()))
                .hasMessage("reply ok does not answer GETATTR");
        assertThatThrownBy(() -> ReplyEncoder.size(new FuseRequest.Lookup(C, "a".getBytes()), FuseReply.none()))
                .hasMessage("reply none does not answer LOOKUP");
        assertThatThrownBy(() -> ReplyEncoder.size(new FuseRequest.Getxattr(C, "a".getBytes(), 10),
                FuseReply.xattrSize(3))).isInstanceOf(IllegalArgumentException.class);
        var readdir = new FuseRequest.Readdir(C, 1, 0, 4096);
        var plus = new FuseRequest.Readdirplus(C, 1, 0, 4096);
        assertThatThrownBy(() -> ReplyEncoder.size(readdir, FuseReply.directory(DirentBuffer.of(plus))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ReplyEncoder.size(new FuseRequest.Forget(C, 1), FuseReply.none())).isZero();
    }

    @Test
    void directory_copiesTheFilledBytes() {
        var readdir = new FuseRequest.Readdir(C, 1, 0, 4096);
        DirentBuffer entries = DirentBuffer.of(readdir);
        entries.add("hello".getBytes(), 2, 0100644, 1);
        assertThat(hex(readdir, FuseReply.directory(entries))).isEqualTo("30000000" + "00000000"
                + "0500000000000080"
                + "0200000000000000"        // ino
                + "0100000000000000"        // off: cookie of the next entry
                + "05000000"                // namelen
                + "08000000"                // type = DT_REG
                + "68656c6c6f000000");      // "hello" padded to 8
    }

    @Test
    void initOut_goldenBytes() {
        var agreed = new InitResult(7, 45, 45, -1L, InitFlags.ASYNC_READ | InitFlags.INIT_EXT | InitFlags.PASSTHROUGH,
                131072, 1 << 20, 256, 1, 64, 48, 1);
        MemorySegment out = MemorySegment.ofArray(new byte[80]);
        assertThat(InitCodec.encode(2, agreed, out)).isEqualTo(80);
        assertThat(HexFormat.of().formatHex(out.toArray(ValueLayout.JAVA_BYTE))).isEqualTo(
                "50000000" + "00000000" + "0200000000000000"    // header: len 80, ok, unique 2
                + "07000000" + "2d000000"   // major 7, minor 45
                + "00000200"                // max_readahead = 131072
                + "01000040"                // flags = ASYNC_READ | INIT_EXT
                + "4000" + "3000"           // max_background 64, congestion_threshold 48
                + "00001000"                // max_write = 1 MiB
                + "01000000"                // time_gran = 1 ns
                + "0001" + "0000"           // max_pages 256, map_alignment 0
                + "20000000"                // flags2 = PASSTHROUGH >> 32
                + "01000000"                // max_stack_depth = 1
                + "0000"                    // request_timeout
                + "00".repeat(22));         // unused[11]
    }

    @Test
    void notifications_goldenBytes() {
        MemorySegment out = MemorySegment.ofArray(new byte[64]);
        assertThat(Notifications.resend(out)).isEqualTo(16);
        assertThat(HexFormat.of().formatHex(out.asSlice(0, 16).toArray(ValueLayout.JAVA_BYTE)))
                .isEqualTo("10000000" + "07000000" + "0000000000000000");   // len 16, FUSE_NOTIFY_RESEND, unique 0
        int n = Notifications.invalEntry(out, 1, "ab".getBytes(), 0);
        assertThat(HexFormat.of().formatHex(out.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE))).isEqualTo(
                "23000000" + "03000000" + "0000000000000000"    // len 35, FUSE_NOTIFY_INVAL_ENTRY, unique 0
                + "0100000000000000"        // parent
                + "02000000" + "00000000"   // namelen, flags
                + "616200");                // "ab\0"
    }
}
