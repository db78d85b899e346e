package org.fdstore.bench.jmh;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.fdstore.linux.FileKind;
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

/** The codec's share of a cycle: encoding and decoding the frames of one save and one restore. */
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

    private final ByteBuffer out = ByteBuffer.allocateDirect(Limits.MAX_FRAME).order(ByteOrder.LITTLE_ENDIAN);
    private ByteBuffer saveFrame;
    private ByteBuffer restoredFrame;

    @Setup
    public void encodeOnce() {
        saveFrame = frame(RequestCodec.encode(7, SAVE, out));
        restoredFrame = frame(ReplyCodec.encode(MessageType.RESTORE.replyCode(), 7, false, RESTORED, 1, out));
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
}
