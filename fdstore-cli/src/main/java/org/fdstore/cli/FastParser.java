package org.fdstore.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import org.fdstore.protocol.Selector;

/**
 * Reads the plain forms of the frequent command lines without picocli, whose reflective model of every command
 * costs a short command most of its start-up (docs/benchmarks.md, Start-up): {@code save}, {@code restore},
 * {@code take}, {@code remove}, {@code list}, {@code status}, {@code daemon} with their options, and the RFC flags.
 *
 * <p>It fills the same command objects as picocli, under the names their annotations declare, and the command runs
 * the same way after. Whatever it does not fully understand it leaves to picocli, which then reads the whole line
 * and reports any error as always: help, an unknown, repeated or clustered option, a flag given a value, a missing
 * or extra argument, a value that is empty, starts with {@code -} or {@code @} (an argument file) or names a
 * command, an id or duration that does not parse. FastParserTest checks that both read every option alike.
 *
 * <p>Not thread safe: one instance reads one command line.
 */
final class FastParser {
    /** The commands of {@link FdstoreCommand}: picocli takes none of these names as an option's value. */
    static final Set<String> COMMANDS = Set.of("daemon", "save", "restore", "remove", "take", "list", "inspect",
            "drop", "status", "upgrade", "fs", "exec", "metrics");

    /** What a command line that this parser understood runs: {@code call}, a command of the root or the root. */
    record Parsed(String command, Callable<Integer> call) {
        /** The command's name as errors show it: {@code fdstore list}, or {@code fdstore} for the RFC flags. */
        String qualifiedName() {
            return command == null ? "fdstore" : "fdstore " + command;
        }
    }

    /** The line needs picocli; thrown as a shared instance without a stack trace, and never escapes. */
    private static final class NeedsPicocli extends Exception {
        NeedsPicocli() {
            super(null, null, false, false);
        }
    }

    private static final NeedsPicocli NEEDS_PICOCLI = new NeedsPicocli();

    private final String[] args;
    private final FdstoreCommand root;
    private final Set<String> seen = new HashSet<>();
    private int next;
    /** The value attached to the option just read ({@code --name=VALUE}), or null. */
    private String attached;

    private FastParser(String[] args, FdstoreCommand root) {
        this.args = args;
        this.root = root;
    }

    /**
     * Reads {@code args} into {@code root} and the command it names.
     *
     * @return what to run; null if picocli must read the line
     */
    static Parsed parse(String[] args, FdstoreCommand root) {
        try {
            return new FastParser(args, root).line();
        } catch (NeedsPicocli e) {
            return null;
        }
    }

    private Parsed line() throws NeedsPicocli {
        for (String option; (option = nextOption()) != null; ) {
            switch (option) {
                case "-s" -> root.save = flag();
                case "-f" -> root.file = value();
                case "-r" -> root.restoreFlag(selector(value()));
                case "-d" -> root.deleteFlag(selector(value()));
                default -> {
                    // picocli refuses a command after the RFC flags.
                    if (root.hasRfcFlags()) throw NEEDS_PICOCLI;
                    return new Parsed(option, command(option));
                }
            }
        }
        return new Parsed(null, root);
    }

    private Callable<Integer> command(String name) throws NeedsPicocli {
        return switch (name) {
            case "daemon" -> daemon();
            case "save" -> save();
            case "restore" -> entryCommand(new RestoreCommand());
            case "take" -> entryCommand(new TakeCommand());
            case "remove" -> entryCommand(new RemoveCommand());
            case "list" -> {
                ListCommand c = new ListCommand();
                c.root = root;
                c.json = json();
                yield c;
            }
            case "status" -> {
                StatusCommand c = new StatusCommand();
                c.root = root;
                c.json = json();
                yield c;
            }
            default -> throw NEEDS_PICOCLI;
        };
    }

    private DaemonCommand daemon() throws NeedsPicocli {
        DaemonCommand c = new DaemonCommand();
        c.root = root;
        for (String option; (option = nextOption()) != null; ) {
            switch (option) {
                case "--policy" -> c.policy = Path.of(value());
                case "--admin-group" -> c.adminGroup = value();
                case "--audit-log" -> c.auditLog = Path.of(value());
                case "--notify-socket" -> c.notifySocket = value();
                case "--no-mirror" -> c.noMirror = flag();
                case "--lame-duck" -> c.lameDuck = duration(value());
                case "--busy-poll" -> c.busyPollMicros = number(value());
                case "--log-level" -> c.logLevel = value();
                case "--metrics" -> c.metrics = value();
                case "--max-connections" -> c.maxConnections = number(value());
                case "--max-connections-per-uid" -> c.maxConnectionsPerUid = number(value());
                case "--notify-rate" -> c.notifyRate = number(value());
                case "--takeover" -> c.takeover = flag();
                case "--standby" -> c.standby = flag();
                default -> throw NEEDS_PICOCLI;
            }
        }
        return c;
    }

    private SaveCommand save() throws NeedsPicocli {
        SaveCommand c = new SaveCommand();
        c.root = root;
        for (String option; (option = nextOption()) != null; ) {
            switch (option) {
                case "-f", "--fd" -> {
                    // An exclusive group: -f FILE or --fd N.
                    if (c.source != null) throw NEEDS_PICOCLI;
                    c.source = new SaveCommand.Source();
                    if (option.equals("-f")) c.source.file = value();
                    else c.source.fd = number(value());
                }
                case "--name" -> c.name = value();
                case "--meta" -> c.meta = value();
                case "--namespace" -> c.namespace = value();
                case "--ttl" -> c.ttl = duration(value());
                case "--owner-bound" -> c.ownerBound = flag();
                case "--grace" -> c.grace = duration(value());
                case "--keep-on-hangup" -> c.keepOnHangup = flag();
                default -> throw NEEDS_PICOCLI;
            }
        }
        return c;
    }

    /** {@code command} with its ID|NAME argument: restore, take and remove take no option but --socket. */
    private EntryCommand entryCommand(EntryCommand command) throws NeedsPicocli {
        command.root = root;
        for (String arg; (arg = nextOption()) != null; ) {
            if (command.entry != null || arg.startsWith("-")) throw NEEDS_PICOCLI;
            command.entry = new EntryArgument();
            command.entry.selector = selector(arg);
        }
        if (command.entry == null) throw NEEDS_PICOCLI;
        return command;
    }

    /** The --json flag of list and status, their only option but --socket. */
    private boolean json() throws NeedsPicocli {
        boolean json = false;
        for (String option; (option = nextOption()) != null; ) {
            if (!option.equals("--json")) throw NEEDS_PICOCLI;
            json = flag();
        }
        return json;
    }

    /**
     * The next option's name, keeping a value attached with {@code =} for {@link #value}, or the next argument;
     * null at the end of the line. Reads {@code --socket} and {@code --daemon-uid}, which every command takes, itself.
     */
    private String nextOption() throws NeedsPicocli {
        while (next < args.length) {
            String token = args[next++];
            if (token.isEmpty() || token.startsWith("@")) throw NEEDS_PICOCLI;
            int equals = token.indexOf('=');
            boolean longWithValue = token.startsWith("--") && equals > 0;
            String name = longWithValue ? token.substring(0, equals) : token;
            attached = longWithValue ? token.substring(equals + 1) : null;
            // picocli lets an option repeat (the last wins, -r and -d add up); only -r and -d are left to us.
            boolean repeatable = name.equals("-r") || name.equals("-d");
            if (name.startsWith("-") && !repeatable && !seen.add(name)) throw NEEDS_PICOCLI;
            switch (name) {
                case "--socket" -> root.socket = value();
                case "--daemon-uid" -> root.daemonUid = number(value());
                default -> {
                    return name;
                }
            }
        }
        return null;
    }

    /** The value of the option just read. */
    private String value() throws NeedsPicocli {
        String value = attached != null ? attached : next < args.length ? args[next++] : null;
        attached = null;
        if (value == null || value.isEmpty() || value.startsWith("-") || value.startsWith("@")
                || COMMANDS.contains(value)) {
            throw NEEDS_PICOCLI;
        }
        return value;
    }

    /** A flag just read: true, unless it was given a value, which picocli reads its own way. */
    private boolean flag() throws NeedsPicocli {
        if (attached != null) throw NEEDS_PICOCLI;
        return true;
    }

    private static Selector selector(String text) throws NeedsPicocli {
        try {
            return Selector.parse(text);
        } catch (IllegalArgumentException e) {
            throw NEEDS_PICOCLI;
        }
    }

    private static Duration duration(String text) throws NeedsPicocli {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw NEEDS_PICOCLI;
        }
    }

    /** A non-negative int in decimal digits, as picocli reads an Integer option; anything else goes to picocli. */
    private static int number(String text) throws NeedsPicocli {
        if (text.length() > 9 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) throw NEEDS_PICOCLI;
        return Integer.parseInt(text);
    }
}
