package org.fdstore.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void whyInvalid_ordinaryNames_isEmpty() {
        assertThat(Names.whyInvalid("db")).isEmpty();
        assertThat(Names.whyInvalid("db.sock")).isEmpty();
        assertThat(Names.whyInvalid("7up")).isEmpty();
        assertThat(Names.whyInvalid("-1")).isEmpty();
        assertThat(Names.whyInvalid("１２３")).as("fullwidth digits are not ASCII digits").isEmpty();
        assertThat(Names.whyInvalid("base de données 🗄")).isEmpty();
        assertThat(Names.whyInvalid("with space/and slash")).isEmpty();
    }

    @Test
    void whyInvalid_empty_saysSo() {
        assertThat(Names.whyInvalid("")).contains("a name must not be empty");
    }

    @Test
    void whyInvalid_exactly255Bytes_isEmpty() {
        assertThat(Names.whyInvalid("a".repeat(255))).isEmpty();
        assertThat(Names.whyInvalid("é".repeat(127) + "a")).as("2-byte characters").isEmpty();
    }

    @Test
    void whyInvalid_256Bytes_namesTheLength() {
        assertThat(Names.whyInvalid("a".repeat(256))).hasValueSatisfying(
                why -> assertThat(why).contains("256 bytes of UTF-8, more than 255"));
        assertThat(Names.whyInvalid("é".repeat(128))).as("128 characters but 256 bytes").isPresent();
        assertThat(Names.whyInvalid("🗄".repeat(64))).as("64 characters but 256 bytes").isPresent();
    }

    @Test
    void whyInvalid_controlCharacters_namesTheCharacter() {
        for (char c : new char[] {0, 1, '\t', '\n', 0x1F, 0x7F}) {
            assertThat(Names.whyInvalid("a" + c + "b")).as("U+%04X", (int) c).hasValueSatisfying(
                    why -> assertThat(why).contains(String.format("U+%04X at index 1", (int) c)));
        }
    }

    @Test
    void whyInvalid_controlCharacter_quotesNameWithoutRawControl() {
        assertThat(Names.whyInvalid("a\nb")).hasValueSatisfying(why -> assertThat(why).doesNotContain("\n"));
    }

    @Test
    void whyInvalid_firstCharacterAfterControls_isEmpty() {
        assertThat(Names.whyInvalid(" ")).isEmpty();
        assertThat(Names.whyInvalid("~")).isEmpty();
        assertThat(Names.whyInvalid("\u0080")).as("C1 controls are not in the spec's list").isEmpty();
    }

    @Test
    void whyInvalid_onlyAsciiDigits_saysItReadsAsAnId() {
        assertThat(Names.whyInvalid("0")).hasValueSatisfying(why -> assertThat(why).contains("only ASCII digits"));
        assertThat(Names.whyInvalid("123456789012345678901234567890")).isPresent();
    }

    @Test
    void whyInvalid_unpairedSurrogate_saysUtf8CannotEncodeIt() {
        assertThat(Names.whyInvalid("a\uD800")).hasValueSatisfying(
                why -> assertThat(why).contains("unpaired surrogate U+D800 at index 1"));
        assertThat(Names.whyInvalid("\uDC00a")).isPresent();
    }
}
