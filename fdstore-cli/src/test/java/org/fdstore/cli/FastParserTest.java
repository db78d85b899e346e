package org.fdstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.fdstore.protocol.Selector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** FastParser against picocli: the same command lines fill the same command objects and print the same output. */
class FastParserTest {
    /** The commands FastParser reads; the others are picocli's alone. */
    private static final List<String> FAST = List.of("daemon", "save", "restore", "take", "remove", "list", "status");
    private static final PrintStream DISCARD = new PrintStream(PrintStream.nullOutputStream());

    @TempDir
    Path dir;

    /** A value picocli converts to an option's type, for an option that takes one. */
    private static String sample(OptionSpec option) {
        Class<?> type = option.type();
        if (type == Path.class) return "/tmp/fdstore-x";
        if (type == Duration.class) return "90s";
        if (type == Integer.class || type == int.class) return "3";
        if (type == Selector.class) return "db";
        return "text";
    }

    private static boolean isFlag(OptionSpec option) {
        return option.type() == boolean.class || option.type() == Boolean.class;
    }

    /** One line per option of each fast command (and of the root), with a sample value and the command's argument. */
    static Stream<List<String>> everyOption() {
        List<List<String>> lines = new ArrayList<>();
        CommandLine root = Main.commandLine(DISCARD, DISCARD);
        for (String name : FAST) {
            CommandLine command = root.getSubcommands().get(name);
            boolean takesArgument = !command.getCommandSpec().positionalParameters().isEmpty();
            List<String> argument = takesArgument ? List.of("7") : List.of();
            for (OptionSpec option : command.getCommandSpec().options()) {
                if (option.usageHelp()) continue;
                for (String spelling : option.names()) {
                    List<String> line = new ArrayList<>(List.of(name, spelling));
                    if (!isFlag(option)) line.add(sample(option));
                    line.addAll(argument);
                    lines.add(line);
                }
            }
        }
        for (OptionSpec option : root.getCommandSpec().options()) {
            if (option.usageHelp()) continue;
            List<String> line = new ArrayList<>(List.of(option.longestName()));
            if (!isFlag(option)) line.add(option.longestName().equals("--socket") ? "/tmp/s" : "7");
            if (!line.getFirst().equals("-s")) line.add("-s");
            lines.add(line);
        }
        return lines.stream();
    }

    static Stream<List<String>> combined() {
        return Stream.of(
                List.of("--socket", "/a", "list"),
                List.of("--daemon-uid", "1001", "save", "-f", "x", "--name", "n"),
                List.of("list", "--json", "--socket=/a", "--daemon-uid=0"),
                List.of("status", "--json"),
                List.of("restore", "db", "--socket", "/a"),
                List.of("take", "--socket", "/a", "18446744073709551615"),
                List.of("remove", "list"),
                List.of("save"),
                List.of("save", "--fd=4", "--name", "n=1", "--meta", "two words", "--namespace", "app", "--ttl",
                        "1h30m", "--owner-bound", "--grace", "500ms", "--keep-on-hangup"),
                List.of("save", "-f", "some file", "--ttl", "PT5S"),
                List.of("daemon", "--policy", "/p", "--admin-group", "wheel", "--audit-log", "/l", "--no-mirror",
                        "--lame-duck", "0", "--notify-socket", "/n", "--socket", "/s", "--log-level", "debug"),
                List.of("daemon", "--max-connections", "64", "--max-connections-per-uid", "8", "--notify-rate", "50"),
                List.of("daemon", "--standby", "--socket", "/s"),
                List.of("daemon", "--takeover"),
                List.of("-s", "-r", "1", "-d", "2", "-r", "db", "-f", "x", "--socket", "/a"),
                List.of("-d", "db"),
                List.of("-f", "x"),
                List.of("--socket", "/a"),
                List.of());
    }

    @ParameterizedTest
    @MethodSource({"everyOption", "combined"})
    void line_readByBoth_fillsTheSameCommand(List<String> line) {
        String[] args = line.toArray(String[]::new);
        CommandLine picocli = Main.commandLine(DISCARD, DISCARD);
        CommandLine.ParseResult result = picocli.parseArgs(args);
        FdstoreCommand fastRoot = new FdstoreCommand(DISCARD);

        FastParser.Parsed parsed = FastParser.parse(args, fastRoot);

        assertThat(parsed).as("FastParser reads %s", line).isNotNull();
        assertThat(fastRoot).usingRecursiveComparison().usingOverriddenEquals().ignoringFields("out")
                .isEqualTo(picocli.getCommand());
        if (result.hasSubcommand()) {
            assertThat(parsed.command()).isEqualTo(result.subcommand().commandSpec().name());
            assertThat(parsed.call()).usingRecursiveComparison().usingOverriddenEquals().ignoringFields("root")
                    .isEqualTo(result.subcommand().commandSpec().userObject());
        } else {
            assertThat(parsed.command()).isNull();
            assertThat(parsed.call()).isSameAs(fastRoot);
        }
    }

    /** Lines that need picocli: help, what FastParser does not know, and every kind of usage error. */
    static Stream<List<String>> forPicocli() {
        return Stream.of(
                List.of("-h"), List.of("--help"), List.of("save", "--help"), List.of("list", "-h"),
                List.of("inspect"), List.of("drop", "--id", "1"), List.of("upgrade"), List.of("exec", "--", "true"),
                List.of("fs", "status", "/m"), List.of("frobnicate"), List.of("--bogus"), List.of("list", "--bogus"),
                List.of("restore"), List.of("restore", "1", "2"), List.of("restore", "-1"), List.of("restore", ""),
                List.of("restore", "99999999999999999999999"), List.of("restore", "@args"), List.of("restore", "--"),
                List.of("-sf", "x"), List.of("-r1"), List.of("-s", "-s"), List.of("-s", "list"), List.of("-r", "list"),
                List.of("list", "--json=true"), List.of("list", "--json", "--json"), List.of("list", "--socket"),
                List.of("list", "--socket", "/a", "--socket", "/b"), List.of("--socket", "list", "list"),
                List.of("--socket", "-x", "list"), List.of("--socket="), List.of("save", "-f", "x", "--fd", "3"),
                List.of("save", "--fd", "3", "--fd", "4"), List.of("save", "--fd", "-1"),
                List.of("save", "--fd", "0x3"),
                List.of("save", "--fd", "9999999999"), List.of("save", "--ttl", "soon"), List.of("save", "--name"),
                List.of("daemon", "--lame-duck", "2x"), List.of("daemon", "--notify-socket", "@abstract"),
                List.of("status", "--verbose"), List.of("--daemon-uid", "bob", "list"),
                List.of("--daemon-uid", "-1", "list"), List.of("list", "--daemon-uid"));
    }

    @ParameterizedTest
    @MethodSource("forPicocli")
    void line_fastParserDoesNotFullyUnderstand_isLeftToPicocli(List<String> line) {
        assertThat(FastParser.parse(line.toArray(String[]::new), new FdstoreCommand(DISCARD))).isNull();
    }

    @Test
    void commands_areTheRootsCommands() {
        assertThat(FastParser.COMMANDS)
                .containsExactlyInAnyOrderElementsOf(Main.commandLine(DISCARD, DISCARD).getSubcommands().keySet());
    }

    /** Lines that FastParser reads and that fail: usage errors found by the command, and the daemon missing. */
    List<List<String>> failing() {
        String nobody = dir.resolve("nobody.sock").toString();
        String file = dir.resolve("f").toString();
        List<List<String>> lines = new ArrayList<>(List.of(List.of(), List.of("-f", "x")));
        for (List<String> line : List.<List<String>>of(List.of(), List.of("-s", "-f", file),
                List.of("-r", "1", "-d", "db"), List.of("list"), List.of("list", "--json"), List.of("status"),
                List.of("restore", "1"), List.of("take", "db"), List.of("remove", "7"), List.of("save", "-f", file),
                List.of("save", "--grace", "5s"),
                List.of("save", "--ttl", "0s"), List.of("save", "--meta", "x".repeat(65537)),
                List.of("save", "-f", file, "--namespace", "a/b"), List.of("save", "--fd", "987654"))) {
            List<String> withSocket = new ArrayList<>(line);
            withSocket.addAll(List.of("--socket", nobody));
            lines.add(withSocket);
        }
        return lines;
    }

    @Test
    void failingLine_runFastOrByPicocli_sameExitCodeAndOutput() {
        for (List<String> line : failing()) {
            String[] args = line.toArray(String[]::new);
            assertThat(FastParser.parse(args, new FdstoreCommand(DISCARD))).as("FastParser reads %s", line).isNotNull();
            Run fast = Run.of(args, false);
            Run picocli = Run.of(args, true);

            assertThat(fast).as("%s", line).isEqualTo(picocli);
            assertThat(fast.exitCode()).as("%s", line).isIn(ExitCodes.USAGE, ExitCodes.SYSTEM_CALL_FAILED);
        }
    }

    private record Run(int exitCode, String out, String err) {
        static Run of(String[] args, boolean picocliOnly) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream o = new PrintStream(out, false, StandardCharsets.UTF_8);
            PrintStream e = new PrintStream(err, false, StandardCharsets.UTF_8);
            int code = picocliOnly ? Main.runWithPicocli(args, o, e) : Main.run(args, o, e);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }
}
