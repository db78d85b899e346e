package org.fdstore.daemon.policy;

import java.util.HashMap;
import java.util.Map;

/**
 * One connection's standing with the policy: its peer's identity, and the rights it holds in each namespace it has
 * touched, remembered until the policy changes. An entry in a namespace where the peer holds no right at all is out
 * of its reach and must look exactly like a missing one (ENOENT); one it can see but may not act on is refused with
 * EACCES.
 *
 * <p>Not thread safe: owned by the event loop's connection.
 */
public final class Access {
    /** Beyond this many remembered namespaces the memory is cleared, so a peer cannot grow it without bound. */
    private static final int MAX_REMEMBERED = 1024;

    private final PeerIdentity peer;
    private final Map<String, Integer> rights = new HashMap<>();
    /** The policy {@link #rights} and {@link #defaultNamespace} were computed for. */
    private Policy policy;
    private String defaultNamespace;

    /** The access of {@code peer}. */
    public Access(PeerIdentity peer) {
        this.peer = peer;
    }

    /** The peer's identity. */
    public PeerIdentity peer() {
        return peer;
    }

    /** The rights the peer holds in {@code namespace} under {@code current}, a set of {@link Right} bits. */
    public int rights(Policy current, String namespace) {
        refresh(current);
        Integer known = rights.get(namespace);
        if (known != null) return known;
        if (rights.size() >= MAX_REMEMBERED) rights.clear();
        int computed = current.rights(peer, namespace);
        rights.put(namespace, computed);
        return computed;
    }

    /** Whether the peer holds {@code right} in {@code namespace}. */
    public boolean may(Policy current, Right right, String namespace) {
        return right.in(rights(current, namespace));
    }

    /** Whether anything in {@code namespace} is within the peer's reach: it holds at least one right there. */
    public boolean reaches(Policy current, String namespace) {
        return rights(current, namespace) != 0;
    }

    /** Where the peer's unqualified names live under {@code current}. */
    public String defaultNamespace(Policy current) {
        refresh(current);
        if (defaultNamespace == null) defaultNamespace = current.defaultNamespace(peer);
        return defaultNamespace;
    }

    private void refresh(Policy current) {
        if (current == policy) return;
        policy = current;
        rights.clear();
        defaultNamespace = null;
    }
}
