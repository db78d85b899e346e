package org.fdstore.linux.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PlatformTest {
    @Test
    void archProblem_x86_64UnderEitherName_isNone() {
        assertThat(Platform.archProblem("amd64")).isNull();
        assertThat(Platform.archProblem("x86_64")).isNull();
    }

    @Test
    void archProblem_otherArchitectures_nameTheArchAndTheOnlySupportedOne() {
        assertThat(Platform.archProblem("aarch64"))
                .startsWith("fdstore supports Linux on x86_64 only: os.arch is aarch64");
        for (String arch : List.of("x86", "i386", "riscv64", "ppc64le", "s390x", "")) {
            assertThat(Platform.archProblem(arch)).contains("x86_64 only: os.arch is " + arch + ",");
        }
    }

    @Test
    void nativeAccessProblem_namesTheOptionForTheModule() {
        assertThat(Platform.nativeAccessProblem(getClass().getModule(), true)).isNull();
        assertThat(Platform.nativeAccessProblem(getClass().getModule(), false))
                .contains("--enable-native-access=ALL-UNNAMED");
        assertThat(Platform.nativeAccessProblem(Object.class.getModule(), false))
                .endsWith("start the JVM with --enable-native-access=java.base");
    }

    @Test
    void jvmWithoutFlags_firstCallsFailNamingEachMissingOption() throws Exception {
        assertThat(probe()).containsExactly(
                "jdkfiles reading FileDescriptor.fd needs --add-opens java.base/java.io=ALL-UNNAMED",
                "ffm " + Platform.nativeAccessProblem(getClass().getModule(), false));
    }

    @Test
    void jvmWithTheFlags_firstCallsWork() throws Exception {
        assertThat(probe("--enable-native-access=ALL-UNNAMED", "--add-opens", "java.base/java.io=ALL-UNNAMED"))
                .containsExactly("jdkfiles ok", "ffm ok");
    }

    /** The lines {@link JvmFlagsProbe} prints in a new JVM with {@code options} and this test's class path. */
    private static List<String> probe(String... options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(List.of(options));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), JvmFlagsProbe.class.getName()));
        Process p = new ProcessBuilder(command).redirectInput(new File("/dev/null"))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out;
        try (InputStream stdout = p.getInputStream()) {
            out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().toList();
    }
}
