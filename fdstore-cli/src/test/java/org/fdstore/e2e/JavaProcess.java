package org.fdstore.e2e;

import java.util.ArrayList;
import java.util.List;

/** Command lines that run the fdstore CLI in a new JVM, from this test JVM's class path. */
final class JavaProcess {
    private JavaProcess() {}

    static List<String> fdstore(String... args) {
        return fdstore(List.of(), args);
    }

    /** As {@link #fdstore(String...)}, with extra JVM options such as {@code -Xlog:class+load}. */
    static List<String> fdstore(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("--enable-native-access=ALL-UNNAMED",
                "--add-opens", "java.base/java.io=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), "org.fdstore.cli.Main"));
        command.addAll(List.of(args));
        return command;
    }
}
