package org.fdstore.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.fdstore.linux.Errno;
import org.junit.jupiter.api.Test;

class FrameHeaderTest {
    /** A LIST request, id 0x0102030405060708: a valid frame with an empty body. */
    private static final byte[] LIST = Frames.encode(0x0102030405060708L, new Request.ListEntries());

    @Test
    void writeThenRead_anyHeader_roundTrips() throws ProtocolException {
        FrameHeader header = new FrameHeader(7, 0x86, Limits.FLAG_CONTINUES, -2L, 3, 2);
        ByteBuffer buffer = ByteBuffer.allocate(27);

        header.write(buffer);

        assertThat(buffer.position()).isEqualTo(24);
        buffer.put(new byte[3]).flip();
        assertThat(FrameHeader.read(buffer, 2)).isEqualTo(header);
        assertThat(header.continues()).isTrue();
    }

    @Test
    void read_anyFrame_leavesPositionAndOrderAlone() throws ProtocolException {
        ByteBuffer buffer = ByteBuffer.allocate(LIST.length + 10).position(10).put(LIST).position(10);

        FrameHeader header = FrameHeader.read(buffer, 0);

        assertThat(header.requestId()).isEqualTo(0x0102030405060708L);
        assertThat(buffer.position()).isEqualTo(10);
        assertThat(buffer.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
    }

    @Test
    void read_everyLengthShorterThanHeader_failsWithEproto() {
        for (int length = 0; length < Limits.HEADER_SIZE; length++) {
            byte[] shorter = Arrays.copyOf(LIST, length);

            ProtocolException e = Frames.failure(() -> FrameHeader.read(ByteBuffer.wrap(shorter), 0));

            assertThat(e.errno()).isEqualTo(Errno.EPROTO);
            assertThat(e.requestId()).isZero();
            assertThat(e.replyType()).isEqualTo(Limits.ERROR_REPLY_TYPE);
            assertThat(e).hasMessage("frame of " + length + " bytes is shorter than the 24-byte header");
        }
    }

    @Test
    void read_badMagic_failsWithEprotoAndIdZero() {
        byte[] frame = Frames.withByte(LIST, 3, 'X');

        ProtocolException e = Frames.failure(() -> FrameHeader.read(ByteBuffer.wrap(frame), 0));

        assertThat(e.errno()).isEqualTo(Errno.EPROTO);
        assertThat(e.requestId()).isZero();
        assertThat(e.replyType()).isEqualTo(0xFF);
        assertThat(e).hasMessageContaining("magic 0x58534446");
    }

    @Test
    void read_bigEndianMagic_failsWithEproto() {
        byte[] frame = LIST.clone();
        ByteBuffer.wrap(frame).putInt(0, Limits.MAGIC);

        assertThat(Frames.failure(() -> FrameHeader.read(ByteBuffer.wrap(frame), 0)).errno())
                .isEqualTo(Errno.EPROTO);
    }

    @Test
    void read_frameOverLimit_failsWithEmsgsize() {
        byte[] frame = Frames.withTrailingBytes(LIST, Limits.MAX_FRAME - LIST.length + 1);

        ProtocolException e = Frames.failure(() -> FrameHeader.read(ByteBuffer.wrap(frame), 0));

        assertThat(e.errno()).isEqualTo(Errno.EMSGSIZE);
        assertThat(e.requestId()).isEqualTo(0x0102030405060708L);
        assertThat(e.replyType()).isEqualTo(0x86);
        assertThat(e).hasMessage("LIST frame of 131073 bytes exceeds the 131072-byte limit");
    }

    @Test
    void read_frameAtLimit_succeeds() throws ProtocolException {
        byte[] frame = Frames.withTrailingBytes(LIST, Limits.MAX_FRAME - LIST.length);

        assertThat(FrameHeader.read(ByteBuffer.wrap(frame), 0).bodyLength()).isEqualTo(Limits.MAX_FRAME - 24);
    }

    @Test
    void read_eachReservedFlag_failsWithEproto() {
        // Bit 1 is BARE, defined on RESTORE_MANY frames only: BareRestoreCodecTest.
        for (int bit = 2; bit < 16; bit++) {
            byte[] frame = LIST.clone();
            ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).putShort(6, (short) (1 << bit));

            ProtocolException e = Frames.failure(() -> FrameHeader.read(ByteBuffer.wrap(frame), 0));

            assertThat(e.errno()).isEqualTo(Errno.EPROTO);
            assertThat(e.requestId()).isEqualTo(0x0102030405060708L);
            assertThat(e).hasMessageContaining(String.format("reserved flag bits 0x%04x", 1 << bit));
        }
    }

    @Test
    void read_bodyLengthLargerThanBody_failsWithEproto() {
        byte[] frame = Frames.withInt(LIST, 16, 1);

        ProtocolException e = Frames.failure(() -> FrameHeader.read(ByteBuffer.wrap(frame), 0));

        assertThat(e.errno()).isEqualTo(Errno.EPROTO);
        assertThat(e).hasMessage("LIST frame: header announces a body of 1 bytes, but 0 follow the header");
    }

    @Test
    void read_bodyLengthSmallerThanBody_failsWithEproto() {
        byte[] frame = Arrays.copyOf(LIST, LIST.length + 4);

        assertThat(Frames.failure(() -> FrameHeader.read(ByteBuffer.wrap(frame), 0)).errno())
                .isEqualTo(Errno.EPROTO);
    }

    @Test
    void read_bodyLengthWithTopBitSet_failsWithEproto() {
        byte[] frame = Frames.withInt(LIST, 16, 0x8000_0000);

        assertThat(Frames.failure(() -> FrameHeader.read(ByteBuffer.wrap(frame), 0)))
                .hasMessageContaining("body of 2147483648 bytes");
    }

    @Test
    void read_fdCountDisagreesWithArrivals_failsWithEproto() {
        byte[] frame = Frames.withInt(LIST, 20, 1);

        ProtocolException tooFew = Frames.failure(() -> FrameHeader.read(ByteBuffer.wrap(frame), 0));
        ProtocolException tooMany = Frames.failure(() -> FrameHeader.read(ByteBuffer.wrap(LIST), 2));

        assertThat(tooFew.errno()).isEqualTo(Errno.EPROTO);
        assertThat(tooFew).hasMessage("LIST frame: header announces 1 fds, but 0 arrived");
        assertThat(tooMany.errno()).isEqualTo(Errno.EPROTO);
    }

    @Test
    void read_negativeReceivedFds_throwsIllegalArgument() {
        assertThatThrownBy(() -> FrameHeader.read(ByteBuffer.wrap(LIST), -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void read_otherVersion_isLeftToTheCaller() throws ProtocolException {
        byte[] frame = Frames.withByte(LIST, 4, 9);

        assertThat(FrameHeader.read(ByteBuffer.wrap(frame), 0).version()).isEqualTo(9);
    }

    @Test
    void new_fieldOutsideWireType_throwsIllegalArgument() {
        assertThatThrownBy(() -> new FrameHeader(256, 1, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameHeader(1, -1, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameHeader(1, 1, 0x10000, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameHeader(1, 1, 0, 0, -1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameHeader(1, 1, 0, 0, 0, 254)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void write_bufferTooSmall_writesNothing() {
        ByteBuffer buffer = ByteBuffer.allocate(23);

        assertThatThrownBy(() -> new FrameHeader(1, 1, 0, 0, 0, 0).write(buffer))
                .isInstanceOf(java.nio.BufferOverflowException.class);
        assertThat(buffer.position()).isZero();
        assertThat(buffer.array()).containsOnly(0);
    }
}
