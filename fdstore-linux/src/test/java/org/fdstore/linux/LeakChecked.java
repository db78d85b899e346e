package org.fdstore.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/** Base of the binding tests: fails a test that leaves /proc/self/fd larger than it found it. */
abstract class LeakChecked {
    private int fdsBefore;

    @BeforeEach
    final void countFds() {
        fdsBefore = OpenFds.count();
    }

    @AfterEach
    final void noFdLeak() {
        assertThat(OpenFds.count()).as("open fds after the test").isEqualTo(fdsBefore);
    }

    /** UTF-8 bytes of a name. */
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Skips without root, except under CI, where the test must run and so fails instead. */
    static void requireRoot() {
        boolean root = Unistd.geteuid() == 0;
        if (!root && "true".equals(System.getenv("CI"))) throw new AssertionError("CI=true but not running as root");
        Assumptions.assumeTrue(root, "needs root");
    }

    /** Asserts that {@code call} fails with a LinuxException carrying {@code errno}, and returns the exception. */
    static LinuxException failsWith(Errno errno, ThrowingCall call) {
        try {
            call.run();
        } catch (LinuxException e) {
            assertThat(e.errno()).as(e.getMessage()).isEqualTo(errno);
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected LinuxException " + errno + ", got " + e, e);
        }
        throw new AssertionError("expected LinuxException " + errno + ", but the call succeeded");
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws Exception;
    }
}
