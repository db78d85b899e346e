package org.fdstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fdstore.client.FdStoreException;
import org.fdstore.protocol.Selector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, false, StandardCharsets.UTF_8),
                new PrintStream(err, false, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private String nobodyListens() {
        return dir.resolve("nobody.sock").toString();
    }

    private String connectFailure(String path) {
        return "cannot connect to " + path + ": ENOENT (No such file or directory); is the daemon running? start it"
                + " with: bin/fdstore daemon --socket " + path;
    }

    @Test
    void noArguments_printsUsageAndExits100() {
        assertThat(run()).isEqualTo(100);
        assertThat(err()).startsWith("fdstore: no command given\n").contains("Usage:");
        assertThat(out()).isEmpty();
    }

    @Test
    void help_listsRfcFlagsAndCommandsAndExits0() {
        assertThat(run("-h")).isEqualTo(0);
        assertThat(out()).contains("fdstore [-sh] [-d ID] [-f FILE] [-r ID] [--socket PATH]", "-s", "-r ID", "-d ID",
                "-f FILE", "save", "restore", "remove", "take", "list", "inspect", "drop", "daemon",
                "Exit codes: 0 ok");
        assertThat(err()).isEmpty();
    }

    @Test
    void help_afterCommand_showsThatCommandsUsage() {
        assertThat(run("save", "--help")).isEqualTo(0);
        assertThat(out()).contains("Usage: fdstore save", "--fd", "--name", "--meta", "--socket");
    }

    @Test
    void rfcFlags_combined_keepOrderOfRestoreAndDelete() {
        CommandLine commandLine = Main.commandLine(System.out, System.err);
        commandLine.parseArgs("-s", "-r", "1", "-d", "2", "-r", "db", "-f", "x", "-r3");
        FdstoreCommand root = commandLine.getCommand();

        assertThat(root.save).isTrue();
        assertThat(root.file).isEqualTo("x");
        assertThat(root.rfcSteps()).containsExactly(
                new FdstoreCommand.RfcStep(true, new Selector.ById(1)),
                new FdstoreCommand.RfcStep(false, new Selector.ById(2)),
                new FdstoreCommand.RfcStep(true, new Selector.ByName("db")),
                new FdstoreCommand.RfcStep(true, new Selector.ById(3)));
    }

    @Test
    void rfcFlags_clustered_parseAsGetoptDoes() {
        CommandLine commandLine = Main.commandLine(System.out, System.err);
        commandLine.parseArgs("-sf", "name");
        FdstoreCommand root = commandLine.getCommand();

        assertThat(root.save).isTrue();
        assertThat(root.file).isEqualTo("name");
    }

    @Test
    void socketOption_beforeOrAfterCommand_reachesRoot() {
        for (String[] args : new String[][] {{"--socket", "/a", "list"}, {"list", "--socket", "/a"}}) {
            CommandLine commandLine = Main.commandLine(System.out, System.err);
            commandLine.parseArgs(args);
            FdstoreCommand root = commandLine.getCommand();
            assertThat(root.socket).as(String.join(" ", args)).isEqualTo("/a");
        }
    }

    @Test
    void rfcSave_noDaemon_namesSocketAndExits111() {
        String socket = nobodyListens();
        Path file = dir.resolve("f");

        assertThat(run("--socket", socket, "-s", "-f", file.toString())).isEqualTo(111);
        assertThat(err()).isEqualTo("fdstore: " + connectFailure(socket) + "\n");
        assertThat(out()).isEmpty();
        assertThat(file).as("file opened only once connected").doesNotExist();
    }

    @Test
    void rfcFlags_withCommand_exits100() {
        assertThat(run("-s", "list")).isEqualTo(100);
        assertThat(err()).startsWith("fdstore: the RFC flags -s, -f, -r and -d do not combine with a command\n");
    }

    @Test
    void rfcFile_withoutSave_exits100() {
        assertThat(run("-f", "x")).isEqualTo(100);
        assertThat(err()).startsWith("fdstore: -f FILE names the file for -s, which is missing\n");
    }

    @Test
    void restore_noDaemon_namesSocketAndExits111() {
        String socket = nobodyListens();

        assertThat(run("--socket", socket, "restore", "1")).isEqualTo(111);
        assertThat(err()).isEqualTo("fdstore restore: " + connectFailure(socket) + "\n");
        assertThat(out()).isEmpty();
    }

    @Test
    void list_socketAfterCommand_noDaemon_exits111() {
        String socket = nobodyListens();

        assertThat(run("list", "--json", "--socket", socket)).isEqualTo(111);
        assertThat(err()).isEqualTo("fdstore list: " + connectFailure(socket) + "\n");
    }

    @Test
    void take_and_remove_noDaemon_exit111() {
        String socket = nobodyListens();

        assertThat(run("--socket", socket, "take", "db")).isEqualTo(111);
        assertThat(run("--socket", socket, "remove", "db")).isEqualTo(111);
        assertThat(err()).isEqualTo("fdstore take: " + connectFailure(socket) + "\n"
                + "fdstore remove: " + connectFailure(socket) + "\n");
    }

    @Test
    void restore_missingArgument_exits100() {
        assertThat(run("restore")).isEqualTo(100);
        assertThat(err()).startsWith("fdstore restore: Missing required parameter: 'ID|NAME'\n")
                .contains("Usage: fdstore restore");
    }

    @Test
    void restore_idBeyondU64_exits100() {
        assertThat(run("restore", "99999999999999999999999")).isEqualTo(100);
        assertThat(err()).startsWith("fdstore restore: ").contains("is larger than 18446744073709551615");
    }

    @Test
    void unknownOption_exits100NamingCommand() {
        assertThat(run("remove", "--bogus", "1")).isEqualTo(100);
        assertThat(err()).startsWith("fdstore remove: Unknown option: '--bogus'");
    }

    @Test
    void unknownCommand_exits100() {
        assertThat(run("frobnicate")).isEqualTo(100);
        assertThat(err()).startsWith("fdstore: ");
    }

    @Test
    void save_fileAndFd_exits100() {
        assertThat(run("save", "-f", "x", "--fd", "3")).isEqualTo(100);
        assertThat(err()).startsWith("fdstore save: ").contains("mutually exclusive");
    }

    @Test
    void save_metadataOverLimit_exits100() {
        assertThat(run("save", "--meta", "x".repeat(65537), "--socket", nobodyListens())).isEqualTo(100);
        assertThat(err()).startsWith("fdstore save: --meta holds 65537 bytes of UTF-8, more than 65536\n");
    }

    @Test
    void save_fdNotOpen_exits111NamingFd() {
        assertThat(run("save", "--fd", "987654", "--socket", nobodyListens())).isEqualTo(111);
        assertThat(err()).isEqualTo("fdstore save: fd 987654: EBADF (not open in this process)\n");
    }

    @Test
    void save_noDaemon_exits111AndClosesFile() throws Exception {
        Path file = dir.resolve("saved");
        String socket = nobodyListens();

        assertThat(run("save", "-f", file.toString(), "--socket", socket)).isEqualTo(111);
        assertThat(err()).isEqualTo("fdstore save: " + connectFailure(socket) + "\n");
        assertThat(Files.exists(file)).isTrue();
    }

    @Test
    void refusal_fromDaemon_printsMessageWithErrnoNameAndExits1() {
        CommandLine restore = Main.commandLine(new PrintStream(out), new PrintStream(err, true))
                .getSubcommands().get("restore");
        int code = new ErrorReporter().handleExecutionException(
                FdStoreException.refusal(2, "no entry with id 1"), restore, null);

        assertThat(code).isEqualTo(1);
        assertThat(err()).isEqualTo("fdstore restore: no entry with id 1 (ENOENT)\n");
    }

    @Test
    void refusal_unknownErrno_showsNumber() {
        assertThat(ErrorReporter.refusal(FdStoreException.refusal(200, "odd"))).isEqualTo("odd (errno 200)");
    }

    @Test
    void drop_withoutOrWithTwoTargets_isBadUsage() {
        assertThat(run("drop", "--socket", nobodyListens())).isEqualTo(100);
        assertThat(err()).contains("Missing required argument");
        assertThat(run("drop", "--uid", "1", "--namespace", "x")).isEqualTo(100);
        assertThat(run("drop", "--id", "db")).isEqualTo(100);
        assertThat(err()).contains("--id takes a number");
        assertThat(run("drop", "--uid", "-1")).isEqualTo(100);
    }

    @Test
    void save_lifetimeOptionsMisused_isBadUsage() {
        assertThat(run("save", "--grace", "5s", "--socket", nobodyListens())).isEqualTo(100);
        assertThat(err()).contains("--grace needs --owner-bound");
        assertThat(run("save", "--ttl", "soon")).isEqualTo(100);
        assertThat(err()).contains("\"soon\" is not a duration");
        assertThat(run("save", "--ttl", "0s", "--socket", nobodyListens())).isEqualTo(100);
        assertThat(err()).contains("a ttl must be at least 1 ms");
    }

    @Test
    void save_withLifetime_noDaemon_exits111() {
        assertThat(run("save", "-f", dir.resolve("f").toString(), "--ttl", "1m", "--owner-bound", "--grace", "1s",
                "--keep-on-hangup", "--namespace", "app", "--socket", nobodyListens())).isEqualTo(111);
        assertThat(err()).contains(connectFailure(nobodyListens()));
    }

    @Test
    void daemon_brokenPolicyFile_exits100NamingTheLine() throws Exception {
        Path policy = dir.resolve("policy");
        Files.writeString(policy, "allow any all uid.${uid}\nallow uid=0 fly x\n");
        Path log = dir.resolve("log");
        PrintStream saved = System.err;
        try (PrintStream capture = new PrintStream(log.toFile(), StandardCharsets.UTF_8)) {
            System.setErr(capture);
            assertThat(run("daemon", "--socket", dir.resolve("d.sock").toString(), "--policy", policy.toString()))
                    .isEqualTo(100);
        } finally {
            System.setErr(saved);
        }
        assertThat(Files.readString(log)).isEqualTo("fdstore daemon: " + policy + " line 2: unknown right \"fly\";"
                + " rights are all, save, restore, take, remove, list, inspect, drop, dump\n");
        assertThat(Files.exists(dir.resolve("d.sock"))).as("nothing was bound").isFalse();
    }

    @Test
    void daemon_busyPollOutOfRange_exits100NamingTheRangeAndBindsNothing() throws Exception {
        assertThat(daemonUsageError("--busy-poll", "5000"))
                .isEqualTo("fdstore daemon: --busy-poll 5000 is out of range: give 0 to 1000 microseconds\n");
    }

    @Test
    void daemon_perUidConnectionsOverTheTotal_exits100NamingTheLimitsAndBindsNothing() throws Exception {
        assertThat(daemonUsageError("--max-connections", "8", "--max-connections-per-uid", "9"))
                .isEqualTo("fdstore daemon: --max-connections 8, --max-connections-per-uid 9, --notify-rate 200:"
                        + " give at least 1 connection, at most that many per uid (0: a quarter), and at least 1"
                        + " datagram per second\n");
    }

    /** Runs {@code fdstore daemon} with {@code options}, which must exit 100 binding nothing; returns its stderr. */
    private String daemonUsageError(String... options) throws Exception {
        Path log = dir.resolve("log");
        List<String> args = new ArrayList<>(List.of("daemon", "--socket", dir.resolve("d.sock").toString()));
        args.addAll(List.of(options));
        PrintStream saved = System.err;
        try (PrintStream capture = new PrintStream(log.toFile(), StandardCharsets.UTF_8)) {
            System.setErr(capture);
            assertThat(run(args.toArray(String[]::new))).isEqualTo(100);
        } finally {
            System.setErr(saved);
        }
        assertThat(Files.exists(dir.resolve("d.sock"))).as("nothing was bound").isFalse();
        return Files.readString(log);
    }

    @Test
    void isShortCommand_frequentLines_butNotDaemonHelpOrRareCommands() {
        assertThat(Main.isShortCommand(new String[] {"--socket", "/s", "list"})).isTrue();
        assertThat(Main.isShortCommand(new String[] {"save", "-f", "file", "--name", "a"})).isTrue();
        assertThat(Main.isShortCommand(new String[] {"-s", "-f", "file"})).isTrue();
        assertThat(Main.isShortCommand(new String[] {"daemon", "--socket", "/s"})).isFalse();
        assertThat(Main.isShortCommand(new String[] {"--socket", "/s", "daemon"})).isFalse();
        assertThat(Main.isShortCommand(new String[] {"list", "-h"})).isFalse();
        assertThat(Main.isShortCommand(new String[] {"inspect"})).isFalse();
    }
}
