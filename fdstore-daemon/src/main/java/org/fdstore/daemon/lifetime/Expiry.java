package org.fdstore.daemon.lifetime;

/** Why an entry's lifetime ended; the word goes into the audit log as {@code reason=}. */
public enum Expiry {
    /** Its time to live ran out. */
    TTL("ttl"),
    /** Its owner exited and nobody restored it within the grace period. */
    OWNER_EXITED("owner_exited"),
    /** Its fd reported POLLHUP or POLLERR. */
    HANGUP("hangup");

    private final String word;

    Expiry(String word) {
        this.word = word;
    }

    /** The log word. */
    public String word() {
        return word;
    }
}
