package org.fdstore.daemon.registry;

import org.fdstore.linux.Errno;

/** A well-formed request the store refuses: the client gets {@link #errno()} and the message, nothing changes. */
public final class Refusal extends Exception {
    private final Errno errno;

    /** A refusal with this errno and a sentence naming the object, e.g. {@code no entry with id 7}. */
    public Refusal(Errno errno, String message) {
        super(message, null, false, false);
        this.errno = errno;
    }

    /** Why, as an errno. */
    public Errno errno() {
        return errno;
    }
}
