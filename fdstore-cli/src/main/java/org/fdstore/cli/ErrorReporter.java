package org.fdstore.cli;

import java.io.PrintWriter;
import org.fdstore.client.FdStoreException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.RunLast;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * picocli's side of error reporting: a usage error prints {@code fdstore <command>: <message>} and the command's
 * usage, and exits 100; a failure of the command goes to {@link CommandFailure}.
 *
 * <p>Stateless and thread safe.
 */
final class ErrorReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {
    /**
     * Makes a new reporter handle the errors of {@code commandLine}, whose root is {@code root}, including the RFC
     * flags given with a command.
     */
    static void attach(CommandLine commandLine, FdstoreCommand root) {
        ErrorReporter reporter = new ErrorReporter();
        commandLine.setParameterExceptionHandler(reporter);
        commandLine.setExecutionExceptionHandler(reporter);
        commandLine.setExecutionStrategy(parseResult -> {
            if (parseResult.hasSubcommand() && root.hasRfcFlags()) {
                throw new ParameterException(commandLine,
                        "the RFC flags -s, -f, -r and -d do not combine with a command");
            }
            return new RunLast().execute(parseResult);
        });
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        return usageError(e.getCommandLine(), e.getMessage(), e);
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parseResult) {
        if (e instanceof UsageException) return usageError(command, e.getMessage(), null);
        return CommandFailure.report(e, command.getCommandSpec().qualifiedName(), command.getErr());
    }

    /**
     * Prints {@code message} for {@code command}, the suggestions of picocli's {@code cause} if any, and the usage.
     *
     * @return {@link ExitCodes#USAGE}
     */
    static int usageError(CommandLine command, String message, ParameterException cause) {
        PrintWriter err = command.getErr();
        err.println(command.getCommandSpec().qualifiedName() + ": " + message);
        if (cause != null) UnmatchedArgumentException.printSuggestions(cause, err);
        command.usage(err);
        err.flush();
        return ExitCodes.USAGE;
    }

    /** {@link CommandFailure#refusal}. */
    static String refusal(FdStoreException e) {
        return CommandFailure.refusal(e);
    }
}
