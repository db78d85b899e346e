package org.fdstore.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FileKind;
import org.fdstore.protocol.DecodedRequest;
import org.fdstore.protocol.DropTarget;
import org.fdstore.protocol.EntryInfo;
import org.fdstore.protocol.InspectInfo;
import org.fdstore.protocol.Lifetime;
import org.fdstore.protocol.Reply;
import org.fdstore.protocol.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving with namespaces and lifetimes, INSPECT and DROP, against a scripted daemon. */
class SaveOptionsTest {
    @TempDir
    Path dir;

    @Test
    void lifetime_eachOption_mapsToTheWireFields() {
        SaveOptions options = SaveOptions.DEFAULT.withNamespace("fuse.7").withTtl(Duration.ofMinutes(1))
                .withOwnerBound(Duration.ofSeconds(5)).withKeepOnHangup();

        assertThat(options.lifetime()).isEqualTo(new Lifetime(60_000, true, 5_000, true));
        assertThat(SaveOptions.DEFAULT.lifetime()).isEqualTo(Lifetime.DEFAULT);
    }

    @Test
    void construct_badDurations_throwIllegalArgument() {
        assertThatThrownBy(() -> SaveOptions.DEFAULT.withTtl(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
        assertThatThrownBy(() -> SaveOptions.DEFAULT.withOwnerBound(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("grace");
        assertThatThrownBy(() -> new SaveOptions(null, null, false, Duration.ofSeconds(1), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("owner-bound");
    }

    @Test
    void saveInspectDrop_withOptions_sendTheRequestsAndReadTheReplies() throws Exception {
        EntryInfo entry = new EntryInfo(7, "conn", "fuse.7", FileKind.FUSE_CONNECTION, 2, 1, 0, 0, 1, "/dev/fuse",
                new byte[0]);
        InspectInfo inspected = new InspectInfo(entry, new Lifetime(0, true, 5_000, true), 0, 1, 0, false, 30,
                "/dev", 6, 33, "", "");
        try (FakeDaemon fake = FakeDaemon.start(dir, peer -> {
            DecodedRequest hello = peer.receive();
            DecodedRequest save = peer.receive();
            assertThat(save.request()).isEqualTo(new Request.Save("conn", new byte[0], "fuse.7",
                    new Lifetime(0, true, 5_000, true)));
            peer.welcome(hello);
            peer.reply(save, new Reply.Saved(7), List.of());
            DecodedRequest inspect = peer.receive();
            assertThat(inspect.request()).isEqualTo(new Request.Inspect());
            peer.reply(inspect.header().type() | 0x80, inspect.header().requestId(), true,
                    new Reply.Inspected(List.of(inspected)), List.of());
            peer.reply(inspect, new Reply.Inspected(List.of()), List.of());
            DecodedRequest drop = peer.receive();
            assertThat(drop.request()).isEqualTo(new Request.Drop(new DropTarget.Mount("/mnt")));
            peer.reply(drop, new Reply.Dropped(3), List.of());
            peer.receivesEnd();
        }); FdStore store = FdStore.connect(fake.path());
             Fd file = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0)) {
            long id = store.save(file, "conn", null,
                    SaveOptions.DEFAULT.withNamespace("fuse.7").withOwnerBound(Duration.ofSeconds(5))
                            .withKeepOnHangup());
            assertThat(id).isEqualTo(7);
            assertThat(store.inspect()).containsExactly(inspected);
            assertThat(store.drop(new DropTarget.Mount("/mnt"))).isEqualTo(3);
            assertThat(store.defaultNamespace()).isEmpty();
        }
    }
}
