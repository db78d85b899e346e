package org.fdstore.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SelectorTest {

    @Test
    void parse_asciiDigits_givesId() {
        assertThat(Selector.parse("7")).isEqualTo(new Selector.ById(7));
        assertThat(Selector.parse("007")).isEqualTo(new Selector.ById(7));
        assertThat(Selector.parse("0")).isEqualTo(new Selector.ById(0));
    }

    @Test
    void parse_largestU64_givesIdBitForBit() {
        assertThat(Selector.parse("18446744073709551615")).isEqualTo(new Selector.ById(-1L));
    }

    @Test
    void parse_digitsAboveU64_throwsIllegalArgument() {
        assertThatThrownBy(() -> Selector.parse("18446744073709551616"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("18446744073709551616");
    }

    @Test
    void parse_anythingElse_givesName() {
        assertThat(Selector.parse("db")).isEqualTo(new Selector.ByName("db"));
        assertThat(Selector.parse("7up")).isEqualTo(new Selector.ByName("7up"));
        assertThat(Selector.parse("-7")).isEqualTo(new Selector.ByName("-7"));
        assertThat(Selector.parse("+7")).isEqualTo(new Selector.ByName("+7"));
        assertThat(Selector.parse(" 7")).isEqualTo(new Selector.ByName(" 7"));
        assertThat(Selector.parse("٧")).as("Arabic-Indic seven is not ASCII").isEqualTo(new Selector.ByName("٧"));
        assertThat(Selector.parse("")).isEqualTo(new Selector.ByName(""));
    }

    @Test
    void describe_id_isUnsignedDecimal() {
        assertThat(new Selector.ById(7).describe()).isEqualTo("id 7");
        assertThat(new Selector.ById(-1L).describe()).isEqualTo("id 18446744073709551615");
    }

    @Test
    void describe_name_isQuoted() {
        assertThat(new Selector.ByName("db").describe()).isEqualTo("name \"db\"");
    }

    @Test
    void describe_nameWithQuotesAndControls_isEscaped() {
        assertThat(new Selector.ByName("a\"b\\c\nd").describe()).isEqualTo("name \"a\\\"b\\\\c\\u000ad\"");
    }

    @Test
    void byName_null_throwsNullPointer() {
        assertThatThrownBy(() -> new Selector.ByName(null)).isInstanceOf(NullPointerException.class);
    }
}
