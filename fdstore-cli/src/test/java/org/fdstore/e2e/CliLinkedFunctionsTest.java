package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fdstore.client.FdStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The frequent commands link one C signature, because a starting JVM pays milliseconds for each it links
 * (docs/benchmarks.md, Start-up): their system calls (socket, connect, getsockopt for the daemon's SO_PEERCRED,
 * sendmsg, recvmsg, close, openat, pread64) go through syscall(2), the pid in HELLO and the uid behind a socket path come from the JDK and /proc, and closing a
 * connection that no other thread uses needs no shutdown(2). Each command runs in its own JVM, logging the classes it
 * initialises: fdstore-linux links each C function when it initialises the function's holder class, named after the
 * function.
 */
class CliLinkedFunctionsTest {
    /** A holder class being initialised: {@code Initializing 'org/fdstore/linux/Socket$connect'}. */
    private static final Pattern HOLDER = Pattern.compile("Initializing 'org/fdstore/linux/\\w+\\$([a-z_0-9]+)'");
    /** What each frequent command links: syscall(2) alone. */
    private static final Set<String> SYSCALL_ONLY = Set.of("syscall");

    @TempDir
    Path dir;

    /** The C functions {@code fdstore ARGS...} linked, run with {@code environment}; fails unless it exits 0. */
    private Set<String> linked(Map<String, String> environment, String... args) throws Exception {
        Path log = dir.resolve("classes-" + String.join("-", args).replaceAll("[^a-z0-9]", "_"));
        CliRun run = CliRun.runRaw(dir, environment, List.of("-Xlog:class+init=info:file=" + log), args);
        assertThat(run.exitCode()).as(run.toString()).isZero();
        Set<String> functions = new TreeSet<>();
        for (String line : Files.readAllLines(log)) {
            Matcher m = HOLDER.matcher(line);
            if (m.find()) functions.add(m.group(1));
        }
        return functions;
    }

    private Set<String> linked(DaemonProcess daemon, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--socket", daemon.socket().toString()));
        all.addAll(List.of(args));
        return linked(Map.of(), all.toArray(String[]::new));
    }

    @Test
    void frequentCommands_linkOnlySyscall() throws Exception {
        Files.writeString(dir.resolve("file"), "content\n");
        try (DaemonProcess daemon = DaemonProcess.start(dir)) {
            int baselineFds = daemon.fdCount();
            assertThat(linked(daemon, "save", "-f", "file", "--name", "a")).isEqualTo(SYSCALL_ONLY);
            assertThat(linked(daemon, "restore", "a")).isEqualTo(SYSCALL_ONLY);
            assertThat(linked(daemon, "list")).isEqualTo(SYSCALL_ONLY);
            assertThat(linked(daemon, "list", "--json")).isEqualTo(SYSCALL_ONLY);
            assertThat(linked(daemon, "status")).isEqualTo(SYSCALL_ONLY);
            assertThat(linked(daemon, "take", "a")).isEqualTo(SYSCALL_ONLY);
            assertThat(linked(daemon, "-s", "-f", "file")).isEqualTo(SYSCALL_ONLY);
            assertThat(linked(daemon, "-r", "1", "-d", "1")).isEqualTo(SYSCALL_ONLY);
            assertThat(linked(daemon, "save", "-f", "file", "--name", "b")).isEqualTo(SYSCALL_ONLY);
            assertThat(linked(daemon, "remove", "b")).isEqualTo(SYSCALL_ONLY);
            daemon.awaitFdCount(baselineFds + storedEntries(daemon));
            assertThat(daemon.stop()).isZero();
        }
    }

    /** How many entries the daemon stores: each holds one of its fds. */
    private static int storedEntries(DaemonProcess daemon) throws Exception {
        try (FdStore client = FdStore.connect(daemon.socket().toString())) {
            return client.list().size();
        }
    }

    @Test
    void socketFromEnvironment_linksNoUidCall() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir)) {
            assertThat(linked(Map.of("FDSTORE_SOCKET", daemon.socket().toString()), "list")).isEqualTo(SYSCALL_ONLY);
            assertThat(daemon.stop()).isZero();
        }
    }
}
