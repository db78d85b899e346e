package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link PeerAgent} process as some uid, gid and supplementary groups (via setpriv), from the world-readable copy
 * of this JVM's class path ({@link PeerClasspath}). {@link #call} sends one command and returns its answer line.
 */
final class Peer implements AutoCloseable {
    private final Process process;
    private final PrintStream in;
    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(1024);
    private final String name;
    final long pid;

    private Peer(String name, Process process) throws IOException, InterruptedException {
        this.name = name;
        this.process = process;
        this.in = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) lines.put(line);
            } catch (IOException | InterruptedException e) {
                // The process is gone.
            }
        });
        String ready = next("start");
        if (!ready.startsWith("ready ")) throw new AssertionError(name + " did not start: " + ready);
        this.pid = Long.parseLong(ready.substring(6).trim());
    }

    /** Root, as this test runs. */
    static Peer root(Path socket) throws IOException, InterruptedException {
        return start("root", socket, List.of());
    }

    /** uid {@code uid}, gid {@code uid}, with {@code groups} as its supplementary groups (none if empty). */
    static Peer user(int uid, Path socket, int... groups) throws IOException, InterruptedException {
        return start("uid " + uid, socket, setpriv(uid, groups));
    }

    /** Like {@link #user}, but in a new user namespace of its own (unshare --user), unmapped. */
    static Peer userInOwnUserNamespace(int uid, Path socket) throws IOException, InterruptedException {
        List<String> prefix = new ArrayList<>(setpriv(uid));
        prefix.addAll(List.of("unshare", "--user"));
        return start("uid " + uid + " in its own user namespace", socket, prefix);
    }

    static List<String> setpriv(int uid, int... groups) {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid));
        if (groups.length == 0) {
            command.add("--clear-groups");
        } else {
            StringBuilder list = new StringBuilder();
            for (int g : groups) list.append(list.isEmpty() ? "" : ",").append(g);
            command.add("--groups=" + list);
        }
        return command;
    }

    private static Peer start(String name, Path socket, List<String> prefix) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(PeerClasspath.java("org.fdstore.e2e.PeerAgent", socket.toString()));
        Process p = new ProcessBuilder(command).directory(PeerClasspath.dir().toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new Peer(name, p);
    }

    /** Sends {@code command} and returns the answer line. */
    String call(String command) {
        in.println(command);
        return next(command);
    }

    /** The answer's result after {@code ok }; fails the test on an error answer. */
    String ok(String command) {
        String answer = call(command);
        assertThat(answer).as(name + ": " + command).startsWith("ok");
        return answer.length() > 3 ? answer.substring(3) : "";
    }

    /** The answer's message, which must be an error with {@code errno}. */
    String err(String command, String errno) {
        String answer = call(command);
        assertThat(answer).as(name + ": " + command).startsWith("err " + errno + " ");
        return answer.substring(("err " + errno + " ").length());
    }

    private String next(String what) {
        try {
            String line = lines.poll(30, TimeUnit.SECONDS);
            if (line == null) throw new AssertionError(name + " gave no answer to " + what + " in 30 s");
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Whether the process still runs. */
    boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the process and waits for it. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        in.close();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) kill();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
