package org.fdstore.daemon.policy;

import java.util.List;

/** The rules of a {@link Policy}, one record per kind of line of the policy file. Immutable and thread safe. */
final class Rule {
    private Rule() {}

    /** {@code ${uid}} and {@code ${gid}} in {@code template} replaced by the peer's. */
    static String expand(String template, PeerIdentity peer) {
        if (template.indexOf('$') < 0) return template;
        return template.replace("${uid}", Integer.toUnsignedString(peer.uid()))
                .replace("${gid}", Integer.toUnsignedString(peer.gid()));
    }

    /** One condition on a peer. */
    sealed interface Condition {
        boolean matches(PeerIdentity peer);

        /** {@code uid=N}: the peer's uid. */
        record Uid(int uid) implements Condition {
            @Override
            public boolean matches(PeerIdentity peer) {
                return peer.uid() == uid;
            }
        }

        /** {@code gid=N}: the peer's primary or a supplementary group. */
        record Gid(int gid) implements Condition {
            @Override
            public boolean matches(PeerIdentity peer) {
                return peer.inGroup(gid);
            }
        }

        /** {@code cgroup=GLOB}: the peer's cgroup path; never an unknown one. */
        record Cgroup(String pattern) implements Condition {
            @Override
            public boolean matches(PeerIdentity peer) {
                return !peer.cgroup().isEmpty() && Glob.matches(pattern, peer.cgroup());
            }
        }

        /** {@code userns=INODE}: the inode of the peer's user namespace; never an unknown one. */
        record UserNamespace(long inode) implements Condition {
            @Override
            public boolean matches(PeerIdentity peer) {
                return peer.userNamespace() != 0 && peer.userNamespace() == inode;
            }
        }
    }

    /** A peer selector: every condition must hold; none means any peer. */
    record Who(List<Condition> conditions) {
        static final Who ANY = new Who(List.of());

        boolean matches(PeerIdentity peer) {
            for (Condition c : conditions) {
                if (!c.matches(peer)) return false;
            }
            return true;
        }
    }

    /** {@code allow WHO RIGHTS NAMESPACES}. */
    record Allow(int line, Who who, int rights, List<String> namespaces) {}

    /** {@code default WHO NAMESPACE}. */
    record Default(int line, Who who, String namespace) {}

    /** What a {@code quota} line limits. */
    enum Scope { TOTAL, UID, NAMESPACE }

    /**
     * {@code quota SCOPE entries=N metadata=SIZE}; a limit the line does not set is -1.
     *
     * @param anyUid for {@link Scope#UID}: the line says {@code uid=*}
     * @param uid for {@link Scope#UID} without {@code anyUid}: the uid
     * @param namespacePattern for {@link Scope#NAMESPACE}: a glob
     */
    record QuotaLimit(int line, Scope scope, boolean anyUid, int uid, String namespacePattern, long entries,
            long metadataBytes) {
        boolean matches(String namespace, int peerUid) {
            return switch (scope) {
                case TOTAL -> true;
                case UID -> anyUid || uid == peerUid;
                case NAMESPACE -> Glob.matches(namespacePattern, namespace);
            };
        }
    }
}
