package org.fdstore.daemon.policy;

import org.fdstore.daemon.registry.Entry;
import org.fdstore.linux.PeerCredentials;

/**
 * Who may touch which entry, by the peer's kernel-verified credentials: root touches every entry, any other uid
 * only the entries its own uid saved. An entry out of reach is indistinguishable from a missing one.
 *
 * <p>Thread safe.
 */
public final class Access {
    private Access() {}

    /** Whether {@code peer} may see, restore, take or remove {@code entry}. */
    public static boolean reaches(PeerCredentials peer, Entry entry) {
        return peer.uid() == 0 || peer.uid() == entry.owner().uid();
    }
}
