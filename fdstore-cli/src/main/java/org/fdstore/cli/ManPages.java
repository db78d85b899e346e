package org.fdstore.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Writes a man page (section 1, troff) for {@code fdstore} and each of its visible subcommands, from the same
 * picocli model that prints {@code --help}, so the pages never drift from the command line: {@code fdstore.1},
 * {@code fdstore-save.1}, {@code fdstore-fs-mount.1}, … Run by bin/dist: {@code ManPages DIRECTORY VERSION}.
 *
 * <p>Our own generator rather than picocli-codegen's ManPageGenerator: it needs no new dependency, and the pages are
 * plain man(7) rather than AsciiDoc that needs asciidoctor to become troff.
 */
public final class ManPages {
    private ManPages() {}

    /** Writes the pages into {@code args[0]}, naming the release {@code args[1]}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ManPages DIRECTORY VERSION");
            System.exit(ExitCodes.USAGE);
        }
        write(Path.of(args[0]), args[1]);
    }

    /** Writes a page for the root command and every visible subcommand, at any depth, into {@code directory}. */
    static List<Path> write(Path directory, String version) throws IOException {
        Files.createDirectories(directory);
        CommandLine root = Main.commandLine(System.out, System.err);
        root.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        List<Path> written = new ArrayList<>();
        writeTree(root, directory, version, written);
        return written;
    }

    private static void writeTree(CommandLine command, Path directory, String version, List<Path> written)
            throws IOException {
        CommandSpec spec = command.getCommandSpec();
        if (spec.usageMessage().hidden()) return;
        Path page = directory.resolve(pageName(spec) + ".1");
        try (PrintStream out = new PrintStream(Files.newOutputStream(page), false, "UTF-8")) {
            page(command, version, out);
        }
        written.add(page);
        for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
            // getSubcommands() also maps each alias: a page per command, under its own name.
            if (sub.getKey().equals(sub.getValue().getCommandName())) {
                writeTree(sub.getValue(), directory, version, written);
            }
        }
    }

    /** {@code fdstore}, {@code fdstore-save}, {@code fdstore-fs-mount}. */
    static String pageName(CommandSpec spec) {
        return spec.qualifiedName("-");
    }

    private static void page(CommandLine command, String version, PrintStream out) {
        CommandSpec spec = command.getCommandSpec();
        String name = pageName(spec);
        String description = String.join(" ", spec.usageMessage().description());
        out.printf(".TH \"%s\" 1 \"\" \"fdstore %s\" \"fdstore manual\"%n", name.toUpperCase(), escape(version));
        out.println(".SH NAME");
        out.println(escape(name) + " \\- " + escape(firstSentence(description)));
        out.println(".SH SYNOPSIS");
        out.println(".nf");
        lines(command.getHelp().synopsis(0).strip(), out);
        out.println(".fi");
        out.println(".SH DESCRIPTION");
        lines(description, out);
        List<PositionalParamSpec> positionals = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (!positionals.isEmpty()) {
            out.println(".SH ARGUMENTS");
            for (PositionalParamSpec p : positionals) item("\\fI" + escape(p.paramLabel()) + "\\fR", p, out);
        }
        List<OptionSpec> options = spec.options().stream().filter(o -> !o.hidden()).toList();
        if (!options.isEmpty()) {
            out.println(".SH OPTIONS");
            for (OptionSpec o : options) item(optionTerm(o), o, out);
        }
        List<String> subcommands = command.getSubcommands().values().stream()
                .map(CommandLine::getCommandSpec).filter(s -> !s.usageMessage().hidden()).map(ManPages::pageName)
                .distinct().toList();
        out.println(".SH EXIT STATUS");
        out.println("0 ok, 1 refused by the daemon, 100 bad usage, 111 a system call failed or the daemon is"
                + " unreachable.");
        out.println(".SH SEE ALSO");
        List<String> seeAlso = new ArrayList<>(subcommands);
        if (spec.parent() != null) seeAlso.addFirst(pageName(spec.parent()));
        seeAlso.add("the docs/ directory of the release");
        out.println(String.join(", ", seeAlso.stream().map(s -> s.startsWith("fdstore") ? "\\fB" + s + "\\fR(1)" : s)
                .toList()));
    }

    /** {@code \fB-f\fR, \fB--file\fR \fIFILE\fR}. */
    private static String optionTerm(OptionSpec option) {
        List<String> names = new ArrayList<>();
        for (String n : option.names()) names.add("\\fB" + escape(n) + "\\fR");
        String term = String.join(", ", names);
        return option.arity().max() > 0 ? term + " \\fI" + escape(option.paramLabel()) + "\\fR" : term;
    }

    private static void item(String term, ArgSpec arg, PrintStream out) {
        out.println(".TP");
        out.println(term);
        lines(String.join(" ", arg.description()), out);
    }

    private static void lines(String text, PrintStream out) {
        for (String line : text.split("\n")) out.println(escape(line));
    }

    private static String firstSentence(String text) {
        int end = text.indexOf(". ");
        return end < 0 ? text.replaceAll("\\.$", "") : text.substring(0, end);
    }

    /** Text that troff prints as is: backslashes and minus signs escaped, no line starting a request. */
    static String escape(String text) {
        String escaped = text.replace("\\", "\\e").replace("-", "\\-");
        return escaped.startsWith(".") || escaped.startsWith("'") ? "\\&" + escaped : escaped;
    }
}
