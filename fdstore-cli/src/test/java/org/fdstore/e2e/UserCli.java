package org.fdstore.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The fdstore CLI as another uid (setpriv, from {@link PeerClasspath}), in the environment of a user without a
 * session: no XDG_RUNTIME_DIR (as under su or cron), no FDSTORE_SOCKET, FDSTORE_DAEMON_UID or NOTIFY_SOCKET unless
 * given, so that the default socket path is the private fallback {@code /tmp/fdstore-UID/fdstore.sock}.
 */
final class UserCli {
    private UserCli() {}

    /** A process builder for {@code fdstore ARGS...} as {@code uid} in {@code dir}, with {@code environment} added. */
    static ProcessBuilder builder(int uid, Path dir, Map<String, String> environment, String... args) {
        List<String> command = new ArrayList<>(Peer.setpriv(uid));
        List<String> java = PeerClasspath.java("org.fdstore.cli.Main", args);
        command.add(java.getFirst());
        command.addAll(List.of("--add-opens", "java.base/java.io=ALL-UNNAMED",
                "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED"));
        command.addAll(java.subList(1, java.size()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        for (String name : List.of("XDG_RUNTIME_DIR", "FDSTORE_SOCKET", "FDSTORE_DAEMON_UID", "NOTIFY_SOCKET")) {
            builder.environment().remove(name);
        }
        builder.environment().put("HOME", "/tmp");
        builder.environment().putAll(environment);
        return builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }

    /** Runs {@code fdstore ARGS...} as {@code uid} to its end. */
    static CliRun run(int uid, Path dir, Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        Process p = builder(uid, dir, environment, args).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("fdstore " + String.join(" ", args) + " as uid " + uid + " did not exit in 60 s");
        }
        return new CliRun(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                new String(err, StandardCharsets.UTF_8));
    }
}
