package org.fdstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The JVM options of a process the CLI starts: a server gets the full compiler, and a daemon the daemon's cache. */
class SelfLauncherTest {
    private static final List<String> CLI = List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:AOTCache=/b/fdstore-cli-cli.aot", "-Dfdstore.daemon.aot-cache=/b/d.aot");

    @Test
    void daemon_getsTheDaemonCacheAndTheFullCompiler() {
        assertThat(SelfLauncher.jvmOptions(CLI, "/b/d.aot", "daemon", "--takeover"))
                .containsExactly("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:AOTCache=/b/d.aot",
                        "-Dfdstore.daemon.aot-cache=/b/d.aot");
    }

    @Test
    void otherCommands_keepTheCache() {
        assertThat(SelfLauncher.jvmOptions(CLI, "/b/d.aot", "fs", "serve"))
                .containsExactly("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                        "-XX:AOTCache=/b/fdstore-cli-cli.aot", "-Dfdstore.daemon.aot-cache=/b/d.aot");
    }

    @Test
    void withoutADaemonCache_theDaemonKeepsTheOptionsItWasGiven() {
        assertThat(SelfLauncher.jvmOptions(List.of("--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
                "-Xshare:auto"), null, "daemon")).containsExactly("--enable-native-access=ALL-UNNAMED", "-Xshare:auto");
        assertThat(SelfLauncher.jvmOptions(List.of("--enable-native-access", "ALL-UNNAMED", "-XX:AOTCache=/b/c.aot"),
                "", "daemon")).containsExactly("--enable-native-access", "ALL-UNNAMED", "-XX:AOTCache=/b/c.aot");
    }

    @Test
    void fromAJvmWithNativeAccessByItsJarManifest_theNewProcessGetsItOnItsCommandLine() {
        assertThat(SelfLauncher.jvmOptions(List.of("-Xshare:auto"), null, "daemon"))
                .containsExactly("--enable-native-access=ALL-UNNAMED", "-Xshare:auto");
    }
}
