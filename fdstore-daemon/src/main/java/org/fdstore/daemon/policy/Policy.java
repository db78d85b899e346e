package org.fdstore.daemon.policy;

import java.util.List;
import java.util.Set;

/**
 * Who may do what in which namespace, the default namespace of each peer, and the quotas: the built-in default
 * policy, or one read from a policy file (docs/security.md).
 *
 * <p>Deny by default: a peer holds the rights of every {@code allow} rule that matches it and the namespace, and
 * nothing else. Root (uid 0) and the members of an admin group hold every right in every namespace, with or without
 * a file: root can read the daemon's memory anyway, and the admin group is the operators' way in. Without a file the
 * only rule is {@code allow any all uid.${uid}}: each uid has a private namespace.
 *
 * <p>Immutable and thread safe.
 */
public final class Policy {
    /** The template of the default namespace when no {@code default} rule matches. */
    public static final String DEFAULT_NAMESPACE = "uid.${uid}";

    private final String source;
    private final List<Rule.Allow> grants;
    private final List<Rule.Default> defaults;
    private final List<Rule.QuotaLimit> quotas;
    private final Set<Integer> adminGroups;
    private final Quota.Defaults quotaDefaults;

    Policy(String source, List<Rule.Allow> grants, List<Rule.Default> defaults, List<Rule.QuotaLimit> quotas,
           Set<Integer> adminGroups, Quota.Defaults quotaDefaults) {
        this.source = source;
        this.grants = List.copyOf(grants);
        this.defaults = List.copyOf(defaults);
        this.quotas = List.copyOf(quotas);
        this.adminGroups = Set.copyOf(adminGroups);
        this.quotaDefaults = quotaDefaults;
    }

    /** The policy without a file: a private namespace per uid; root and {@code adminGroup} (-1: none) reach all. */
    public static Policy builtIn(int adminGroup, Quota.Defaults quotaDefaults) {
        Rule.Allow own = new Rule.Allow(0, Rule.Who.ANY, Right.ALL, List.of(DEFAULT_NAMESPACE));
        return new Policy("built-in default", List.of(own), List.of(), List.of(),
                adminGroup < 0 ? Set.of() : Set.of(adminGroup), quotaDefaults);
    }

    /** Where the policy came from: a file's path, or {@code built-in default}. */
    public String source() {
        return source;
    }

    /** How many {@code allow} rules it has, for the log. */
    public int ruleCount() {
        return grants.size();
    }

    /** Whether {@code peer} is root or in an admin group, and so holds every right everywhere. */
    public boolean isAdmin(PeerIdentity peer) {
        if (peer.uid() == 0) return true;
        for (int group : adminGroups) {
            if (peer.inGroup(group)) return true;
        }
        return false;
    }

    /** The rights {@code peer} holds in {@code namespace}, a set of {@link Right} bits. */
    public int rights(PeerIdentity peer, String namespace) {
        if (isAdmin(peer)) return Right.ALL;
        int rights = 0;
        for (Rule.Allow grant : grants) {
            if ((rights | grant.rights()) == rights || !grant.who().matches(peer)) continue;
            for (String pattern : grant.namespaces()) {
                if (Glob.matches(Rule.expand(pattern, peer), namespace)) {
                    rights |= grant.rights();
                    break;
                }
            }
        }
        return rights;
    }

    /** Where {@code peer}'s unqualified names live: the first matching {@code default} rule, else {@code uid.UID}. */
    public String defaultNamespace(PeerIdentity peer) {
        for (Rule.Default d : defaults) {
            if (d.who().matches(peer)) return Rule.expand(d.namespace(), peer);
        }
        return Rule.expand(DEFAULT_NAMESPACE, peer);
    }

    /** The limits on everything together. */
    public Quota totalQuota() {
        return new Quota(limit(Rule.Scope.TOTAL, null, -1, true, quotaDefaults.total().entries()),
                limit(Rule.Scope.TOTAL, null, -1, false, quotaDefaults.total().metadataBytes()));
    }

    /** The limits on the entries saved by {@code uid}. Root has none unless a rule names it. */
    public Quota uidQuota(int uid) {
        Quota fallback = uid == 0 ? Quota.UNLIMITED : quotaDefaults.perUid();
        return new Quota(limit(Rule.Scope.UID, null, uid, true, fallback.entries()),
                limit(Rule.Scope.UID, null, uid, false, fallback.metadataBytes()));
    }

    /** The limits on the entries of {@code namespace}. */
    public Quota namespaceQuota(String namespace) {
        Quota fallback = quotaDefaults.perNamespace();
        return new Quota(limit(Rule.Scope.NAMESPACE, namespace, -1, true, fallback.entries()),
                limit(Rule.Scope.NAMESPACE, namespace, -1, false, fallback.metadataBytes()));
    }

    /** The first rule of {@code scope} that matches and sets this limit, else {@code fallback}. */
    private long limit(Rule.Scope scope, String namespace, int uid, boolean entries, long fallback) {
        for (Rule.QuotaLimit q : quotas) {
            if (q.scope() != scope || !q.matches(namespace, uid)) continue;
            long value = entries ? q.entries() : q.metadataBytes();
            if (value >= 0) return value;
        }
        return fallback;
    }
}
