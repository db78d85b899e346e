package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class CStringTest extends LeakChecked {
    @Test
    void quote_textAndNonUtf8AndSpecials_showEveryByte() {
        assertThat(CString.quote(b("plain"))).isEqualTo("\"plain\"");
        assertThat(CString.quote(b("été"))).isEqualTo("\"été\"");
        assertThat(CString.quote(new byte[] {'a', (byte) 0xff, (byte) 0xfe})).isEqualTo("\"a\\xff\\xfe\"");
        assertThat(CString.quote(b("q\"b\\n\n"))).isEqualTo("\"q\\\"b\\\\n\\x0a\"");
        assertThat(CString.quote(new byte[0])).isEqualTo("\"\"");
    }

    @Test
    void allocate_bytes_areNulTerminatedAndNulInsideFailsWithEinval() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = CString.allocate(arena, new byte[] {1, (byte) 0xff}, "f");
            assertThat(s.byteSize()).isEqualTo(3);
            assertThat(s.get(JAVA_BYTE, 1)).isEqualTo((byte) 0xff);
            assertThat(s.get(JAVA_BYTE, 2)).isZero();
            assertThat(failsWith(Errno.EINVAL, () -> CString.allocate(arena, new byte[] {'x', 0}, "f")))
                    .hasMessage("f(\"x\\x00\"): EINVAL (the name contains a NUL byte)");
        }
    }
}
