package org.fdstore.daemon.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NotifyMessageTest {
    private static NotifyMessage parse(String text) throws NotifyMessage.Malformed {
        return NotifyMessage.parse(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void parse_storeWithNameAndPoll_readsEveryKey() throws Exception {
        NotifyMessage m = parse("FDSTORE=1\nFDNAME=web\nFDPOLL=0\n");

        assertThat(m.isSet("FDSTORE")).isTrue();
        assertThat(m.fdName()).isEqualTo("web");
        assertThat(m.get("FDPOLL")).isEqualTo("0");
        assertThat(m.fields()).containsOnlyKeys("FDSTORE", "FDNAME", "FDPOLL");
    }

    @Test
    void parse_withoutFdName_namesStoredAsSystemdDoes() throws Exception {
        assertThat(parse("FDSTORE=1").fdName()).isEqualTo("stored");
        assertThat(parse("FDSTORE=1\nFDNAME=").fdName()).isEqualTo("stored");
    }

    @Test
    void parse_valueWithEquals_keepsAllAfterTheFirst() throws Exception {
        assertThat(parse("STATUS=a=b c").get("STATUS")).isEqualTo("a=b c");
    }

    @Test
    void parse_lineWithoutEquals_isMalformedNamingTheLine() {
        assertThatThrownBy(() -> parse("READY=1\ngarbage"))
                .isInstanceOf(NotifyMessage.Malformed.class).hasMessageContaining("line 2 has no '='");
    }

    @Test
    void parse_badUtf8_isMalformed() {
        byte[] bad = {'S', 'T', 'A', 'T', 'U', 'S', '=', (byte) 0xC3, (byte) 0x28};
        assertThatThrownBy(() -> NotifyMessage.parse(ByteBuffer.wrap(bad)))
                .isInstanceOf(NotifyMessage.Malformed.class).hasMessageContaining("UTF-8");
    }

    @Test
    void parse_badFdNames_areMalformed() {
        assertThatThrownBy(() -> parse("FDSTORE=1\nFDNAME=" + "x".repeat(256)))
                .isInstanceOf(NotifyMessage.Malformed.class).hasMessageContaining("more than 255");
        assertThatThrownBy(() -> parse("FDSTORE=1\nFDNAME=a:b"))
                .isInstanceOf(NotifyMessage.Malformed.class).hasMessageContaining("':'");
        assertThatThrownBy(() -> parse("FDSTORE=1\nFDNAME=a\tb"))
                .isInstanceOf(NotifyMessage.Malformed.class).hasMessageContaining("U+0009");
        assertThatThrownBy(() -> parse("FDSTORE=1\nFDNAME=123"))
                .isInstanceOf(NotifyMessage.Malformed.class).hasMessageContaining("digits");
    }

    @Test
    void parse_fdNameOf255Characters_isAccepted() throws Exception {
        assertThat(parse("FDNAME=" + "x".repeat(255)).fdName()).hasSize(255);
    }

    @Test
    void parse_nulByteOrEmptyKey_isMalformed() {
        assertThatThrownBy(() -> parse("READY=1\0")).isInstanceOf(NotifyMessage.Malformed.class);
        assertThatThrownBy(() -> parse("=1")).isInstanceOf(NotifyMessage.Malformed.class)
                .hasMessageContaining("empty key");
    }

    @Test
    void state_recordsOtherKeysPerSenderAsStatusPairs() throws Exception {
        NotifyState state = new NotifyState("/run/notify");

        assertThat(state.record(42, parse("FDSTORE=1\nFDNAME=x"))).isFalse();
        assertThat(state.record(42, parse("READY=1\nSTATUS=serving"))).isTrue();

        assertThat(state.pairs()).extracting(e -> e.getKey() + "=" + e.getValue())
                .containsExactly("notify_socket=/run/notify", "notify_42_ready=1", "notify_42_status=serving");
    }

    @Test
    void state_manySenders_keepsTheLatestOnly() throws Exception {
        NotifyState state = new NotifyState("@n");
        for (int pid = 1; pid <= NotifyState.MAX_SENDERS + 5; pid++) state.record(pid, parse("READY=1"));

        assertThat(state.pairs()).hasSize(1 + NotifyState.MAX_SENDERS);
        assertThat(state.pairs().get(1).getKey()).isEqualTo("notify_6_ready");
    }

    @Test
    void state_keysBecomeLowerSnakeCaseStatusKeys() throws Exception {
        NotifyState state = new NotifyState("@n");
        state.record(7, parse("X-Custom--Thing=a\nMAINPID=7\n" + "K".repeat(47) + "=too long"));

        assertThat(state.pairs()).extracting(e -> e.getKey())
                .containsExactly("notify_socket", "notify_7_x_custom_thing", "notify_7_mainpid");
    }
}
