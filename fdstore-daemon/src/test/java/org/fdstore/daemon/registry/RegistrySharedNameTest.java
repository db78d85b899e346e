package org.fdstore.daemon.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.PeerCredentials;
import org.fdstore.protocol.Lifetime;
import org.fdstore.protocol.Selector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Names shared by several entries (systemd's FDSTORE=1) beside the unique names of SAVE. */
class RegistrySharedNameTest {
    private static final PeerCredentials OWNER = new PeerCredentials(1, 0, 0);
    private final Registry registry = new Registry(16);
    private final List<Fd> opened = new ArrayList<>();

    @AfterEach
    void close() {
        registry.closeAll();
        opened.forEach(Fd::close);
    }

    private Entry add(String name, boolean shared) throws Exception {
        Fd fd = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0);
        opened.add(fd);
        return registry.add(fd, fd.describe(), "ns", name, new byte[0], OWNER, 0, Lifetime.DEFAULT, shared);
    }

    @Test
    void add_sharedName_storesBesideOthersAndLookupByNameFailsWithEnotuniqNamingIds() throws Exception {
        Entry first = add("web", true);
        Entry second = add("web", true);

        assertThat(registry.allNamed("ns", "web")).containsExactly(first, second);
        assertThatThrownBy(() -> registry.find(new Selector.ByName("web"), "ns", e -> true))
                .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.errno()).isEqualTo(Errno.ENOTUNIQ))
                .hasMessageContaining("ids " + first.id() + ", " + second.id());
        assertThat(registry.find(new Selector.ById(second.id()), "ns", e -> true)).isSameAs(second);
    }

    @Test
    void add_uniqueNameOverSharedOnes_failsWithEexistAndChangesNothing() throws Exception {
        Entry shared = add("web", true);

        assertThatThrownBy(() -> add("web", false))
                .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.errno()).isEqualTo(Errno.EEXIST));
        assertThat(registry.size()).isEqualTo(1);
        assertThat(registry.named("ns", "web")).isSameAs(shared);
    }

    @Test
    void remove_oneOfTwoSharing_leavesTheOtherFoundByName() throws Exception {
        Entry first = add("web", true);
        Entry second = add("web", true);

        assertThat(registry.remove(first)).isTrue();

        assertThat(registry.find(new Selector.ByName("web"), "ns", e -> true)).isSameAs(second);
        assertThat(registry.remove(second)).isTrue();
        assertThat(registry.allNamed("ns", "web")).isEmpty();
        assertThat(registry.named("ns", "web")).isNull();
    }

    @Test
    void find_sharedNameOutOfReach_answersEnoentNotEnotuniq() throws Exception {
        add("web", true);
        add("web", true);

        assertThatThrownBy(() -> registry.find(new Selector.ByName("web"), "ns", e -> false))
                .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.errno()).isEqualTo(Errno.ENOENT));
    }
}
