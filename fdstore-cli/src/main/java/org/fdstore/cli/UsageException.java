package org.fdstore.cli;

/**
 * A command line that parsed but asks for what cannot be done, such as {@code --grace} without
 * {@code --owner-bound}: exit 100 with the command's usage, as picocli's own usage errors. Commands throw it rather
 * than picocli's ParameterException so that they run without picocli (see {@link FastParser}).
 */
final class UsageException extends RuntimeException {
    /** A usage error; {@code message} follows {@code fdstore <command>: } on stderr. */
    UsageException(String message) {
        super(message);
    }
}
