package org.fdstore.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

class SocketPathTest {
    /** A uid source that fails the test if asked: the path must not depend on the uid. */
    private static final IntSupplier NOT_ASKED = () -> {
        throw new AssertionError("the uid was asked for");
    };

    @Test
    void resolve_explicitPath_winsWithoutAskingTheUid() {
        assertThat(SocketPath.resolve("/tmp/a.sock", Map.of(SocketPath.ENVIRONMENT, "/tmp/b.sock"), NOT_ASKED))
                .isEqualTo("/tmp/a.sock");
    }

    @Test
    void resolve_environment_winsWithoutAskingTheUid() {
        assertThat(SocketPath.resolve(null, Map.of(SocketPath.ENVIRONMENT, "/tmp/b.sock"), NOT_ASKED))
                .isEqualTo("/tmp/b.sock");
        assertThat(SocketPath.resolve("", Map.of(SocketPath.ENVIRONMENT, "/tmp/b.sock"), NOT_ASKED))
                .isEqualTo("/tmp/b.sock");
    }

    @Test
    void resolve_neither_dependsOnTheUid() {
        Map<String, String> runtime = Map.of("XDG_RUNTIME_DIR", "/run/user/1000");
        assertThat(SocketPath.resolve(null, runtime, () -> 0)).isEqualTo(SocketPath.SYSTEM);
        assertThat(SocketPath.resolve(null, runtime, () -> 1000)).isEqualTo("/run/user/1000/fdstore.sock");
        assertThat(SocketPath.resolve(null, Map.of(), () -> 1000)).isEqualTo("/tmp/fdstore-1000/fdstore.sock");
    }
}
