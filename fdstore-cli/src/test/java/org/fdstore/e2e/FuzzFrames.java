package org.fdstore.e2e;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.fdstore.protocol.DropTarget;
import org.fdstore.protocol.Lifetime;
import org.fdstore.protocol.Limits;
import org.fdstore.protocol.Request;
import org.fdstore.protocol.RequestCodec;
import org.fdstore.protocol.Selector;

/**
 * The frames of {@link FrameFuzzer}, made from a seeded {@link Random}: valid requests of every type, and those
 * mutated, truncated, extended, oversize, with a wrong fd count, or plain garbage. Header layout (docs/protocol.md):
 * magic u32 at 0, version u8 at 4, type u8 at 5, flags u16 at 6, request id u64 at 8, body length u32 at 16, fd
 * count u32 at 20.
 *
 * <p>Not thread safe.
 */
final class FuzzFrames {
    private static final int FD_COUNT_OFFSET = 20;
    private static final int BODY_LENGTH_OFFSET = 16;

    private final Random random;
    private final ByteBuffer out = ByteBuffer.allocate(Limits.MAX_FRAME).order(ByteOrder.LITTLE_ENDIAN);
    private long requestId = 1;

    FuzzFrames(Random random) {
        this.random = random;
    }

    /** A valid HELLO. */
    byte[] hello() {
        return encode(new Request.Hello(Limits.VERSION, Limits.VERSION, random.nextInt(4), "fuzz"), false);
    }

    /** A valid request of a random type; a SAVE takes one fd. */
    byte[] valid() {
        return encode(randomRequest(), false);
    }

    /**
     * The first frame of a SAVE_MANY (with {@code fds} items, one fd each) or of a RESTORE_MANY of selectors, with
     * CONTINUES set: the rest never comes.
     */
    byte[] openMultiFrame(int fds) {
        if (fds > 0) {
            Request.Save[] items = new Request.Save[fds];
            for (int i = 0; i < fds; i++) items[i] = new Request.Save("", new byte[0]);
            return encode(new Request.SaveMany(List.of(items)), true);
        }
        return encode(new Request.RestoreSelected(List.of(new Selector.ById(1 + random.nextInt(100)),
                new Selector.ByName("n" + random.nextInt(10))), random.nextBoolean()), true);
    }

    /** A valid request with one to four random bytes changed, the header spared half of the time. */
    byte[] mutated() {
        byte[] frame = valid();
        int from = random.nextBoolean() ? Limits.HEADER_SIZE : 0;
        if (frame.length <= from) from = 0;
        for (int i = 1 + random.nextInt(4); i > 0; i--) {
            frame[from + random.nextInt(frame.length - from)] = (byte) random.nextInt(256);
        }
        return frame;
    }

    /** A valid request cut short or made longer, with the body length patched to agree or not. */
    byte[] resized() {
        byte[] frame = valid();
        int length = random.nextBoolean() ? random.nextInt(frame.length) : frame.length + 1 + random.nextInt(64);
        byte[] resized = Arrays.copyOf(frame, length);
        for (int i = frame.length; i < length; i++) resized[i] = (byte) random.nextInt(256);
        if (length >= Limits.HEADER_SIZE && random.nextBoolean()) {
            ByteBuffer.wrap(resized).order(ByteOrder.LITTLE_ENDIAN).putInt(BODY_LENGTH_OFFSET,
                    length - Limits.HEADER_SIZE);
        }
        return resized;
    }

    /** A valid request whose header announces {@code announced} fds, whatever comes with it. */
    byte[] withFdCount(int announced) {
        byte[] frame = valid();
        ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).putInt(FD_COUNT_OFFSET, announced);
        return frame;
    }

    /** Random bytes: often shorter than a header, sometimes a header's worth with the right magic. */
    byte[] garbage() {
        byte[] bytes = new byte[random.nextInt(2 * Limits.HEADER_SIZE + 1)];
        random.nextBytes(bytes);
        if (bytes.length >= 4 && random.nextBoolean()) {
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(0, Limits.MAGIC);
        }
        return bytes;
    }

    /** A frame over {@link Limits#MAX_FRAME}: a valid header announcing all of it, then noise. */
    byte[] oversize() {
        byte[] frame = Arrays.copyOf(valid(), Limits.MAX_FRAME + 1 + random.nextInt(4096));
        ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).putInt(BODY_LENGTH_OFFSET,
                frame.length - Limits.HEADER_SIZE);
        return frame;
    }

    private Request randomRequest() {
        return switch (random.nextInt(12)) {
            case 0 -> new Request.Save("fz" + random.nextInt(50), bytes(random.nextInt(64)), "",
                    new Lifetime(random.nextBoolean() ? 0 : 1 + random.nextInt(60_000), false, 0, random.nextBoolean()));
            case 1 -> new Request.Restore(selector());
            case 2 -> new Request.Take(selector());
            case 3 -> new Request.Remove(selector());
            case 4 -> new Request.ListEntries();
            case 5 -> new Request.Inspect();
            case 6 -> new Request.Status();
            case 7 -> new Request.Drop(random.nextBoolean() ? new DropTarget.Id(random.nextInt(100))
                    : new DropTarget.Namespace("uid." + random.nextInt(5000)));
            case 8 -> new Request.RestoreNamespace(random.nextBoolean() ? "" : "uid.0", random.nextBoolean());
            case 9 -> new Request.FastPath();
            case 10 -> new Request.Hello(random.nextInt(3), random.nextInt(3), random.nextLong(), "again");
            // 0x10 to 0x1F are the daemon-to-daemon types, which a first frame hands to the continuity layer.
            default -> new Request.Unknown(0x10 + random.nextInt(0x70));
        };
    }

    private Selector selector() {
        return random.nextBoolean() ? new Selector.ById(random.nextInt(100)) : new Selector.ByName("known-"
                + random.nextInt(20));
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private byte[] encode(Request request, boolean continues) {
        int length = RequestCodec.encode(requestId++, request, continues, out.clear());
        return Arrays.copyOf(out.array(), length);
    }
}
