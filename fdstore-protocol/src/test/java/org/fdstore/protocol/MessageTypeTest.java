package org.fdstore.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.fdstore.linux.Errno;
import org.junit.jupiter.api.Test;

class MessageTypeTest {

    @Test
    void codes_matchTheSpecTable() {
        assertThat(MessageType.HELLO.code()).isEqualTo(0x01);
        assertThat(MessageType.SAVE.code()).isEqualTo(0x02);
        assertThat(MessageType.RESTORE.code()).isEqualTo(0x03);
        assertThat(MessageType.REMOVE.code()).isEqualTo(0x04);
        assertThat(MessageType.TAKE.code()).isEqualTo(0x05);
        assertThat(MessageType.LIST.code()).isEqualTo(0x06);
        assertThat(MessageType.INSPECT.code()).isEqualTo(0x07);
        assertThat(MessageType.DROP.code()).isEqualTo(0x08);
        assertThat(MessageType.STATUS.code()).isEqualTo(0x09);
        assertThat(MessageType.TAKE.replyCode()).isEqualTo(0x85);
    }

    @Test
    void ofCode_eachType_roundTrips() {
        for (MessageType t : MessageType.values()) {
            assertThat(MessageType.ofCode(t.code())).contains(t);
        }
    }

    @Test
    void ofCode_undefinedOrReplyCode_isEmpty() {
        assertThat(MessageType.ofCode(0)).isEmpty();
        assertThat(MessageType.ofCode(0x20)).isEmpty();
        assertThat(MessageType.ofCode(0x82)).isEmpty();
        assertThat(MessageType.ofCode(-1)).isEmpty();
    }

    @Test
    void protocolException_otherErrno_throwsIllegalArgument() {
        assertThatThrownBy(() -> new ProtocolException(Errno.EINVAL, "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new ProtocolException(Errno.EPROTONOSUPPORT, 4, 0x81, "version 2").replyType()).isEqualTo(0x81);
    }
}
