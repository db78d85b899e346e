package org.fdstore.bench.jmh;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fdstore.linux.FileKind;
import org.fdstore.protocol.BareEntry;
import org.fdstore.protocol.DecodedReply;
import org.fdstore.protocol.DecodedRequest;
import org.fdstore.protocol.EntryInfo;
import org.fdstore.protocol.Limits;
import org.fdstore.protocol.MessageType;
import org.fdstore.protocol.ProtocolException;
import org.fdstore.protocol.Reply;
import org.fdstore.protocol.ReplyCodec;
import org.fdstore.protocol.Request;
import org.fdstore.protocol.RequestCodec;
import org.fdstore.protocol.Selector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The codec's share of a cycle: encoding and decoding the frames of one save and one restore; and of a bulk restore:
 * one RESTORE_MANY reply frame of 253 entries (its fds not counted), with ASCII strings and with non-ASCII names, and
 * of 253 bare entries (ids and names, {@code BARE}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class CodecBench {
    private static final Request SAVE = new Request.Save("db", new byte[0]);
    private static final Request RESTORE = new Request.Restore(new Selector.ById(42));
    private static final Reply RESTORED = new Reply.Restored(new EntryInfo(42, "db", "uid.0", FileKind.REGULAR,
            2, 1234, 0, 0, 1_700_000_000_000L, "/var/lib/app/db", new byte[0]));

    private static final Reply RESTORED_MANY = new Reply.RestoredMany(bulkEntries("", "/tmp/fdstore-bench/file-"));
    private static final Reply RESTORED_MANY_NON_ASCII = new Reply.RestoredMany(bulkEntries("n\u00e6vn-",
            "/tmp/fdstore-bench/f\u00efl-"));
    private static final Reply RESTORED_BARE = new Reply.RestoredBare(bareEntries());

    private final ByteBuffer out = ByteBuffer.allocateDirect(Limits.MAX_FRAME).order(ByteOrder.LITTLE_ENDIAN);
    private ByteBuffer saveFrame;
    private ByteBuffer restoredFrame;
    private ByteBuffer restoredManyFrame;
    private ByteBuffer restoredManyNonAsciiFrame;
    private ByteBuffer restoredBareFrame;

    @Setup
    public void encodeOnce() {
        saveFrame = frame(RequestCodec.encode(7, SAVE, out));
        restoredFrame = frame(ReplyCodec.encode(MessageType.RESTORE.replyCode(), 7, false, RESTORED, 1, out));
        restoredManyFrame = frame(encodeRestoredMany());
        restoredManyNonAsciiFrame = frame(encodeRestoreManyFrame(RESTORED_MANY_NON_ASCII));
        restoredBareFrame = frame(encodeRestoredBare());
    }

    private ByteBuffer frame(int length) {
        ByteBuffer copy = ByteBuffer.allocateDirect(length).order(out.order());
        copy.put(out.flip()).flip();
        out.clear();
        return copy;
    }

    @Benchmark
    public int encodeSave() {
        out.clear();
        return RequestCodec.encode(7, SAVE, out);
    }

    @Benchmark
    public DecodedRequest decodeSave() throws ProtocolException {
        return RequestCodec.decode(saveFrame, 1);
    }

    @Benchmark
    public int encodeRestore() {
        out.clear();
        return RequestCodec.encode(8, RESTORE, out);
    }

    @Benchmark
    public int encodeRestored() {
        out.clear();
        return ReplyCodec.encode(MessageType.RESTORE.replyCode(), 8, false, RESTORED, 1, out);
    }

    @Benchmark
    public DecodedReply decodeRestored() throws ProtocolException {
        return ReplyCodec.decode(restoredFrame, 1);
    }

    @Benchmark
    public int encodeRestoredMany() {
        return encodeRestoreManyFrame(RESTORED_MANY);
    }

    @Benchmark
    public DecodedReply decodeRestoredMany() throws ProtocolException {
        return ReplyCodec.decode(restoredManyFrame, Limits.MAX_FDS_PER_FRAME);
    }

    @Benchmark
    public DecodedReply decodeRestoredManyNonAscii() throws ProtocolException {
        return ReplyCodec.decode(restoredManyNonAsciiFrame, Limits.MAX_FDS_PER_FRAME);
    }

    @Benchmark
    public int encodeRestoredBare() {
        return encodeRestoreManyFrame(RESTORED_BARE);
    }

    @Benchmark
    public DecodedReply decodeRestoredBare() throws ProtocolException {
        return ReplyCodec.decode(restoredBareFrame, Limits.MAX_FDS_PER_FRAME);
    }

    /** A RESTORE_MANY reply frame of 253 entries, more to follow, in {@link #out}. */
    private int encodeRestoreManyFrame(Reply reply) {
        out.clear();
        return ReplyCodec.encode(MessageType.RESTORE_MANY.replyCode(), 9, true, reply, Limits.MAX_FDS_PER_FRAME, out);
    }

    /** 253 unnamed bare entries, as a bulk restore of ids answers with BARE. */
    private static List<BareEntry> bareEntries() {
        List<BareEntry> entries = new ArrayList<>(Limits.MAX_FDS_PER_FRAME);
        for (int i = 0; i < Limits.MAX_FDS_PER_FRAME; i++) entries.add(new BareEntry(100 + i, ""));
        return entries;
    }

    /** 253 entries as a bulk restore of one namespace sends them: names and targets {@code prefix + i}. */
    private static List<EntryInfo> bulkEntries(String namePrefix, String targetPrefix) {
        List<EntryInfo> entries = new ArrayList<>(Limits.MAX_FDS_PER_FRAME);
        for (int i = 0; i < Limits.MAX_FDS_PER_FRAME; i++) {
            entries.add(new EntryInfo(100 + i, namePrefix.isEmpty() ? "" : namePrefix + i, "uid.0", FileKind.REGULAR,
                    0x8000, 1234, 0, 0, 1_700_000_000_000L + i, targetPrefix + i, new byte[0]));
        }
        return entries;
    }
}
