package org.fdstore.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.fdstore.client.FdStore;
import org.fdstore.client.FdStoreException;
import org.fdstore.client.Restored;
import org.fdstore.client.TrustedUids;
import org.fdstore.linux.Execve;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Unistd;
import org.fdstore.protocol.EntryInfo;
import org.fdstore.protocol.Selector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fdstore exec [--name NAME]... [--namespace NS] [--notify[=PATH]] -- COMMAND ARGS...}: restores entries and
 * replaces itself with COMMAND, passing them as systemd's socket activation does: at fd 3, 4, … with LISTEN_FDS,
 * LISTEN_PID and LISTEN_FDNAMES (and NOTIFY_SOCKET with {@code --notify}). Nothing of the JVM stays behind.
 *
 * <p>Not thread safe: one instance serves one command line.
 */
@Command(name = "exec", description = "Restore entries (default: every entry of your namespace, by id) and run"
        + " COMMAND in place of this process with them at fd 3, 4, ..., LISTEN_FDS, LISTEN_PID and LISTEN_FDNAMES"
        + " set, as systemd passes its fd store to a service (docs/cli/exec.md).")
public final class ExecCommand implements Callable<Integer> {
    /** The variables COMMAND must not inherit from this process: the new values replace them. */
    static final List<String> PROTOCOL_VARIABLES = List.of("LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES",
            "NOTIFY_SOCKET");
    /** Where {@code --notify} without a path finds the daemon's notify socket. */
    static final String NOTIFY_SOCKET_VARIABLE = "FDSTORE_NOTIFY_SOCKET";
    /** The STATUS key under which the daemon names its notify socket. */
    static final String NOTIFY_SOCKET_STATUS_KEY = "notify_socket";
    /** execvp's search path when PATH is unset. */
    private static final String DEFAULT_PATH = "/bin:/usr/bin";

    @ParentCommand
    FdstoreCommand root;

    @Spec
    CommandSpec spec;

    @Option(names = "--name", paramLabel = "NAME",
            description = "Pass the entries named NAME (all of them, by id, when several share it). Repeat for more;"
                    + " fds follow the order of the options. Default: every entry of the namespace.")
    List<String> names = new ArrayList<>();

    @Option(names = "--namespace", paramLabel = "NS",
            description = "Take the entries from NS. Default: your default namespace.")
    String namespace;

    @Option(names = "--notify", paramLabel = "PATH", arity = "0..1", fallbackValue = "",
            description = "Also set NOTIFY_SOCKET, so that COMMAND can store fds back with sd_notify: to PATH, else"
                    + " to $FDSTORE_NOTIFY_SOCKET, else to the daemon's notify socket (its STATUS).")
    String notify;

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The program to run, and its arguments.")
    List<String> command;

    @Override
    public Integer call() throws IOException {
        String program = resolve(command.getFirst());
        List<Restored> restored = new ArrayList<>();
        try {
            String fdNamespace;
            String notifySocket;
            try (FdStore store = root.connect()) {
                notifySocket = notifySocket(store);
                fdNamespace = namespace == null ? store.defaultNamespace() : namespace;
                List<EntryInfo> chosen;
                try {
                    chosen = chosen(store.list(), fdNamespace);
                } catch (NothingToPass e) {
                    spec.commandLine().getErr().println("fdstore exec: " + e.getMessage());
                    return ExitCodes.REFUSED;
                }
                for (EntryInfo entry : chosen) restored.add(store.restore(new Selector.ById(entry.id())));
            }
            List<String> environment = environment(restored, notifySocket);
            List<Fd> fds = restored.stream().map(Restored::fd).toList();
            try {
                Execve.replaceProcess(program, command, environment, fds);
            } catch (LinuxException e) {
                // The JVM's own descriptors from 3 up may have been replaced already: report and stop at once.
                System.err.println("fdstore exec: cannot run " + command.getFirst() + ": " + e.getMessage());
                System.err.flush();
                Runtime.getRuntime().halt(ExitCodes.SYSTEM_CALL_FAILED);
            }
            return ExitCodes.SYSTEM_CALL_FAILED;
        } finally {
            restored.forEach(Restored::close);
        }
    }

    /** The entries to pass, in order; fails naming a NAME that matches nothing, or an empty namespace. */
    List<EntryInfo> chosen(List<EntryInfo> all, String fdNamespace) throws NothingToPass {
        TreeMap<Long, EntryInfo> inNamespace = new TreeMap<>();
        for (EntryInfo e : all) if (e.namespace().equals(fdNamespace)) inNamespace.put(e.id(), e);
        if (names.isEmpty()) {
            if (inNamespace.isEmpty()) {
                throw new NothingToPass("no entries in namespace \"" + fdNamespace + "\" to pass (ENOENT)");
            }
            return List.copyOf(inNamespace.values());
        }
        List<EntryInfo> chosen = new ArrayList<>();
        for (String name : names) {
            List<EntryInfo> named = inNamespace.values().stream().filter(e -> e.name().equals(name)).toList();
            if (named.isEmpty()) {
                throw new NothingToPass("no entry named \"" + name + "\" in namespace \"" + fdNamespace + "\" (ENOENT)");
            }
            for (EntryInfo e : named) if (!chosen.contains(e)) chosen.add(e);
        }
        return chosen;
    }

    /** The caller's environment without stale protocol variables, plus the new ones. */
    private List<String> environment(List<Restored> restored, String notifySocket) {
        Map<String, String> env = new TreeMap<>(System.getenv());
        PROTOCOL_VARIABLES.forEach(env::remove);
        env.put("LISTEN_FDS", Integer.toString(restored.size()));
        // execve keeps the pid: COMMAND runs as this very process.
        env.put("LISTEN_PID", Integer.toString(Unistd.getpid()));
        env.put("LISTEN_FDNAMES", String.join(":", restored.stream().map(r -> fdName(r.entry())).toList()));
        if (notifySocket != null) env.put("NOTIFY_SOCKET", notifySocket);
        List<String> out = new ArrayList<>(env.size());
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    /** The entry's name as LISTEN_FDNAMES carries it; "unknown" (systemd's word) when it has none it could carry. */
    static String fdName(EntryInfo entry) {
        String name = entry.name();
        if (name.isEmpty() || name.length() > 255) return "unknown";
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c >= 0x7F || c == ':') return "unknown";
        }
        return name;
    }

    /**
     * NOTIFY_SOCKET for COMMAND: --notify's PATH, else $FDSTORE_NOTIFY_SOCKET, else the daemon's, from STATUS;
     * checked to belong to a trusted uid (see {@link NotifySocketOwner}), since COMMAND will send its fds there.
     */
    private String notifySocket(FdStore store) throws FdStoreException {
        String address = notifyAddress(store);
        if (address != null) NotifySocketOwner.check(address, TrustedUids.forThisProcess(root.daemonUid()));
        return address;
    }

    private String notifyAddress(FdStore store) throws FdStoreException {
        if (notify == null) return null;
        if (!notify.isEmpty()) return notify;
        String fromEnvironment = System.getenv(NOTIFY_SOCKET_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isEmpty()) return fromEnvironment;
        String fromDaemon = store.status().get(NOTIFY_SOCKET_STATUS_KEY).orElse("");
        if (fromDaemon.startsWith("/") || fromDaemon.startsWith("@")) return fromDaemon;
        throw new ParameterException(spec.commandLine(), "--notify needs a notify socket, and the daemon has none"
                + (fromDaemon.isEmpty() ? "" : " with an address (" + fromDaemon + ")") + ": start it with"
                + " --notify-socket PATH, or give one as --notify=PATH or in " + NOTIFY_SOCKET_VARIABLE);
    }

    /** The executable {@code name} names, searched on PATH as execvp(3) does when it has no '/'. */
    static String resolve(String name) throws IOException {
        if (name.isEmpty()) throw new NothingToRun("an empty COMMAND (ENOENT)");
        if (name.contains("/")) {
            Path path = Path.of(name);
            if (!Files.exists(path)) throw new NothingToRun(name + ": no such file (ENOENT)");
            if (Files.isDirectory(path) || !Files.isExecutable(path)) {
                throw new NothingToRun(name + ": not an executable file (EACCES)");
            }
            return name;
        }
        String search = System.getenv("PATH");
        boolean foundButNotExecutable = false;
        for (String dir : (search == null ? DEFAULT_PATH : search).split(File.pathSeparator, -1)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (!Files.isRegularFile(candidate)) continue;
            if (Files.isExecutable(candidate)) return candidate.toString();
            foundButNotExecutable = true;
        }
        if (foundButNotExecutable) throw new NothingToRun(name + ": found on PATH but not executable (EACCES)");
        throw new NothingToRun(name + ": command not found on PATH (ENOENT)");
    }

    /** No entry to pass: the store holds none of those asked for. Exit 1, like a refusal. */
    static final class NothingToPass extends IOException {
        private static final long serialVersionUID = 1L;

        NothingToPass(String message) {
            super(message);
        }
    }

    /** COMMAND cannot be run: missing or not executable. */
    static final class NothingToRun extends IOException {
        private static final long serialVersionUID = 1L;

        NothingToRun(String message) {
            super(message);
        }
    }
}
