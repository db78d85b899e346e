package org.fdstore.e2e;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fdstore.linux.Fd;
import org.fdstore.linux.Socket;

/**
 * The real clients of systemd's fd store that the tests drive: libsystemd's sd_pid_notify_with_fds through a small C
 * program compiled here (Debian libsystemd-dev, gcc, pkg-config), and python3-systemd's systemd.daemon. bin/test
 * installs those packages; a missing one fails the test, naming the package.
 */
final class SystemdClients {
    private SystemdClients() {}

    /** The result of one process run: exit code and output (stdout and stderr together). */
    record Run(int exitCode, String output) {
        Run ok() {
            if (exitCode != 0) throw new AssertionError("exit " + exitCode + ": " + output);
            return this;
        }
    }

    /** Compiles sd_notify_fds.c against libsystemd into {@code dir}; returns the program. */
    static Path compileSdNotify(Path dir) throws IOException, InterruptedException {
        Path source = Scripts.copy("sd_notify_fds.c", dir);
        Run flags = run(Map.of(), List.of("pkg-config", "--cflags", "--libs", "libsystemd"));
        if (flags.exitCode() != 0) {
            throw new AssertionError("pkg-config finds no libsystemd (apt-get install libsystemd-dev pkg-config;"
                    + " bin/test does): " + flags.output());
        }
        Path program = dir.resolve("sd_notify_fds");
        List<String> gcc = new ArrayList<>(List.of("gcc", "-Wall", "-Werror", "-o", program.toString(),
                source.toString()));
        gcc.addAll(List.of(flags.output().trim().split("\\s+")));
        Run compiled = run(Map.of(), gcc);
        if (compiled.exitCode() != 0) throw new AssertionError("gcc failed (apt-get install gcc): " + compiled.output());
        return program;
    }

    /** Runs {@code command} with extra environment, stdin from /dev/null, waiting at most 60 s. */
    static Run run(Map<String, String> environment, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().keySet().removeAll(List.of("NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID",
                "LISTEN_FDNAMES", "FDSTORE_SOCKET"));
        builder.environment().putAll(environment);
        Process p;
        try {
            p = builder.start();
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.getFirst() + " (is its Debian package installed?)", e);
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not exit in 60 s");
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** python3-systemd's notify(STATE, fds=[...]) through notify_fds.py, as {@code prefix} (e.g. setpriv) says. */
    static Run pythonNotify(Path script, Path notifySocket, List<String> prefix, String state, String... sources)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(Scripts.PYTHON, script.toString(), state));
        command.addAll(List.of(sources));
        return run(Map.of("NOTIFY_SOCKET", notifySocket.toString()), command);
    }

    /** Sends one raw datagram with {@code fds} to the notify socket, as a hostile or broken sender would. */
    static void sendRaw(Path notifySocket, byte[] data, List<Fd> fds) throws IOException {
        try (Fd socket = Socket.socket(Socket.AF_UNIX, Socket.SOCK_DGRAM, 0); Arena arena = Arena.ofConfined()) {
            Socket.connect(socket, notifySocket.toString());
            MemorySegment buffer = arena.allocate(Math.max(1, data.length));
            MemorySegment.copy(data, 0, buffer, ValueLayout.JAVA_BYTE, 0, data.length);
            Socket.sendmsg(socket, buffer, data.length, fds, 0);
        }
    }
}
