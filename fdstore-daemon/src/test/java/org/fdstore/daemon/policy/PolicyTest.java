package org.fdstore.daemon.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyTest {
    static final Quota.Defaults DEFAULTS = Quota.Defaults.forCapacity(1000, 1 << 20);

    static PeerIdentity peer(int uid, int... groups) {
        return new PeerIdentity(100 + uid, uid, uid, groups, "/user.slice", 4026531837L, true);
    }

    static Policy parse(String text) throws PolicyException {
        return PolicyParser.parse("test-policy", text.lines().toList(), -1, DEFAULTS);
    }

    @Test
    void builtIn_eachUidOwnNamespace_rootAndAdminGroupEverywhere() {
        Policy policy = Policy.builtIn(4200, DEFAULTS);

        assertThat(policy.rights(peer(1000), "uid.1000")).isEqualTo(Right.ALL);
        assertThat(policy.rights(peer(1000), "uid.1001")).isZero();
        assertThat(policy.rights(peer(0), "uid.1001")).isEqualTo(Right.ALL);
        assertThat(policy.rights(peer(1002, 4200), "anything")).isEqualTo(Right.ALL);
        assertThat(policy.defaultNamespace(peer(1000))).isEqualTo("uid.1000");
        assertThat(policy.defaultNamespace(peer(0))).isEqualTo("uid.0");
    }

    @Test
    void parse_allowRules_grantTheUnionOfMatchingRules() throws Exception {
        Policy policy = parse("""
                # comment line
                allow any all uid.${uid}
                allow uid=1000 save,restore team,lab.*   # trailing comment
                allow gid=300 list team
                allow uid=1001,gid=300 remove team
                """);

        assertThat(policy.rights(peer(1000), "team")).isEqualTo(Right.SAVE.bit() | Right.RESTORE.bit());
        assertThat(policy.rights(peer(1000), "lab.x")).isEqualTo(Right.SAVE.bit() | Right.RESTORE.bit());
        assertThat(policy.rights(peer(1000, 300), "team"))
                .isEqualTo(Right.SAVE.bit() | Right.RESTORE.bit() | Right.LIST.bit());
        assertThat(policy.rights(peer(1001), "team")).as("uid=1001,gid=300 needs both").isZero();
        assertThat(policy.rights(peer(1001, 300), "team")).isEqualTo(Right.LIST.bit() | Right.REMOVE.bit());
        assertThat(policy.rights(peer(1002), "uid.1002")).isEqualTo(Right.ALL);
        assertThat(policy.ruleCount()).isEqualTo(4);
    }

    @Test
    void parse_cgroupAndUserNamespace_tellPeersOfOneUidApart() throws Exception {
        Policy policy = parse("""
                allow uid=1000,cgroup=/machine.slice/box-*.scope all box
                allow userns=4026532177 all container
                default cgroup=/machine.slice/box-* box
                """);
        PeerIdentity boxed = new PeerIdentity(1, 1000, 1000, new int[0], "/machine.slice/box-1.scope", 1, true);
        PeerIdentity outside = new PeerIdentity(2, 1000, 1000, new int[0], "/user.slice", 1, true);
        PeerIdentity contained = new PeerIdentity(3, 1000, 1000, new int[0], "", 4026532177L, true);
        PeerIdentity unknown = PeerIdentity.of(new org.fdstore.linux.PeerCredentials(4, 1000, 1000));

        assertThat(policy.rights(boxed, "box")).isEqualTo(Right.ALL);
        assertThat(policy.rights(outside, "box")).isZero();
        assertThat(policy.rights(contained, "container")).isEqualTo(Right.ALL);
        assertThat(policy.rights(unknown, "container")).as("an unknown user namespace matches no rule").isZero();
        assertThat(policy.defaultNamespace(boxed)).isEqualTo("box");
        assertThat(policy.defaultNamespace(outside)).isEqualTo("uid.1000");
    }

    @Test
    void parse_quotas_firstMatchingLineWinsPerLimit() throws Exception {
        Policy policy = parse("""
                quota total entries=500 metadata=1M
                quota uid=1000 metadata=4K
                quota uid=* entries=10
                quota namespace=fuse.* entries=100
                admin-group 4200
                """);

        assertThat(policy.totalQuota()).isEqualTo(new Quota(500, 1 << 20));
        assertThat(policy.uidQuota(1000)).isEqualTo(new Quota(10, 4096));
        assertThat(policy.uidQuota(1001)).isEqualTo(new Quota(10, DEFAULTS.perUid().metadataBytes()));
        assertThat(policy.uidQuota(0)).as("uid=* includes root").isEqualTo(new Quota(10, Long.MAX_VALUE));
        assertThat(policy.namespaceQuota("fuse.1")).isEqualTo(new Quota(100, Long.MAX_VALUE));
        assertThat(policy.namespaceQuota("uid.1")).isEqualTo(Quota.UNLIMITED);
        assertThat(policy.isAdmin(peer(7, 4200))).isTrue();
    }

    @Test
    void quotaDefaults_rootUnlimitedPerUid_othersAQuarter() {
        Policy policy = Policy.builtIn(-1, DEFAULTS);

        assertThat(policy.uidQuota(0)).isEqualTo(Quota.UNLIMITED);
        assertThat(policy.uidQuota(1000)).isEqualTo(new Quota(250, 1 << 20));
        assertThat(policy.totalQuota()).isEqualTo(new Quota(1000, 1 << 20));
    }

    @Test
    void parse_brokenLines_failWithTheirLineNumber() {
        record Case(String text, int line, String message) {}
        for (Case c : List.of(
                new Case("allow any all uid.${uid}\nallow uid=1 restor x\n", 2, "unknown right \"restor\""),
                new Case("allow any all\n", 1, "expected 4 words"),
                new Case("\n\n# c\npermit any all x\n", 4, "unknown rule \"permit\""),
                new Case("allow uid=no-such-user all x\n", 1, "no user \"no-such-user\""),
                new Case("allow gid=no-such-group all x\n", 1, "no group \"no-such-group\""),
                new Case("allow pid=1 all x\n", 1, "unknown peer condition \"pid\""),
                new Case("allow any all a/b\n", 1, "namespace pattern \"a/b\""),
                new Case("allow any all a,,b\n", 1, "an empty namespace pattern"),
                new Case("allow cgroup=relative all x\n", 1, "must start with /"),
                new Case("allow userns=abc all x\n", 1, "not an inode number"),
                new Case("default any bad/ns\n", 1, "default namespace"),
                new Case("quota uid=1 entries=-3\n", 1, "entries=-3"),
                new Case("quota uid=1 metadata=12X\n", 1, "metadata=12X"),
                new Case("quota people entries=1\n", 1, "quota scope \"people\""),
                new Case("quota total files=1\n", 1, "quota limit \"files=1\""))) {
            assertThatThrownBy(() -> parse(c.text())).as(c.text())
                    .isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.line()).isEqualTo(c.line()))
                    .hasMessageStartingWith("test-policy line " + c.line() + ": ")
                    .hasMessageContaining(c.message());
        }
    }

    @Test
    void access_rememberedRights_areForgottenWhenThePolicyChanges() throws Exception {
        Access access = new Access(peer(1000));
        Policy first = parse("allow uid=1000 list team\n");
        Policy second = parse("allow uid=1000 all team\n");

        assertThat(access.may(first, Right.LIST, "team")).isTrue();
        assertThat(access.may(first, Right.REMOVE, "team")).isFalse();
        assertThat(access.reaches(first, "other")).isFalse();
        assertThat(access.may(second, Right.REMOVE, "team")).isTrue();
        assertThat(access.defaultNamespace(second)).isEqualTo("uid.1000");
    }
}
