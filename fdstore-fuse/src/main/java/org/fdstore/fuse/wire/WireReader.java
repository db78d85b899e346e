package org.fdstore.fuse.wire;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * A bounds-checked cursor over one request's argument bytes: every read first checks that the bytes are there, so
 * a short or lying message becomes a {@link MalformedRequestException}, never an out-of-bounds read.
 *
 * <p>Internal: not API. Not thread safe.
 */
final class WireReader {
    private final MemorySegment segment;
    private final String what;
    private long position;

    WireReader(MemorySegment segment, String what) {
        this.segment = segment;
        this.what = what;
    }

    long remaining() {
        return segment.byteSize() - position;
    }

    /** Fails unless a fixed struct of {@code size} bytes (named {@code struct}) is there. */
    void need(long size, String struct) throws MalformedRequestException {
        if (remaining() < size) {
            throw new MalformedRequestException(what + ": " + struct + " needs " + size + " bytes, got "
                    + remaining());
        }
    }

    int u32() throws MalformedRequestException {
        need(4, "u32");
        int v = segment.get(JAVA_INT_UNALIGNED, position);
        position += 4;
        return v;
    }

    long u64() throws MalformedRequestException {
        need(8, "u64");
        long v = segment.get(JAVA_LONG_UNALIGNED, position);
        position += 8;
        return v;
    }

    void skip(long n) throws MalformedRequestException {
        need(n, "padding");
        position += n;
    }

    /** A NUL-terminated string, returned without the NUL. */
    byte[] cstring(String field) throws MalformedRequestException {
        for (long i = position; i < segment.byteSize(); i++) {
            if (segment.get(JAVA_BYTE, i) == 0) {
                byte[] out = segment.asSlice(position, i - position).toArray(JAVA_BYTE);
                position = i + 1;
                return out;
            }
        }
        throw new MalformedRequestException(what + ": " + field + " is not NUL-terminated");
    }

    byte[] bytes(long n, String field) throws MalformedRequestException {
        need(n, field);
        byte[] out = segment.asSlice(position, n).toArray(JAVA_BYTE);
        position += n;
        return out;
    }

    MemorySegment slice(long n, String field) throws MalformedRequestException {
        need(n, field);
        MemorySegment out = segment.asSlice(position, n);
        position += n;
        return out;
    }
}
