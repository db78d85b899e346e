package org.fdstore.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirentsTest extends LeakChecked {
    @TempDir Path dir;
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void freeBuffers() {
        arena.close();
    }

    @Test
    void read_thousandEntriesInSmallChunks_listsEachOnceWithTypesAndInodes() throws Exception {
        for (int i = 0; i < 1000; i++) Files.createFile(dir.resolve("file-" + i));
        Files.createDirectory(dir.resolve("sub"));
        try (Fd d = Fcntl.open(dir.toString(), Fcntl.O_RDONLY | Fcntl.O_DIRECTORY, 0)) {
            List<Dirent> all = readAll(d, arena.allocate(1024));
            assertThat(all).hasSize(1003);
            Set<String> names = new HashSet<>();
            for (Dirent e : all) {
                assertThat(names.add(e.nameString())).as("listed once: " + e).isTrue();
                if (e.isDotOrDotDot()) continue;
                FileStat st = Stat.fstatat(d, e.name(), Fcntl.AT_SYMLINK_NOFOLLOW);
                assertThat(e.ino()).isEqualTo(st.ino());
                assertThat(e.type()).isEqualTo(st.type() == Stat.S_IFDIR ? Dirents.DT_DIR : Dirents.DT_REG);
            }
            assertThat(names).contains(".", "..", "sub", "file-0", "file-999");
        }
    }

    @Test
    void seek_toAnEntrysOffset_resumesRightAfterIt() throws Exception {
        for (int i = 0; i < 1000; i++) Files.createFile(dir.resolve("n" + i));
        try (Fd d = Fcntl.open(dir.toString(), Fcntl.O_RDONLY | Fcntl.O_DIRECTORY, 0)) {
            MemorySegment buffer = arena.allocate(4096);
            List<Dirent> all = readAll(d, buffer);
            Dirent middle = all.get(500);
            Dirents.seek(d, middle.off());
            assertThat(readAll(d, buffer)).isEqualTo(all.subList(501, all.size()));
            Dirents.seek(d, 0);
            assertThat(Dirents.read(d, buffer).getFirst()).isEqualTo(all.getFirst());
        }
    }

    @Test
    void getdents64_badFdsAndTinyBuffer_failWithEnotdirEbadfEinval() throws Exception {
        Files.createFile(dir.resolve("f"));
        try (Fd d = Fcntl.open(dir.toString(), Fcntl.O_RDONLY | Fcntl.O_DIRECTORY, 0);
             Fd path = Fcntl.open(dir.toString(), Fcntl.O_PATH, 0);
             Fd file = Fcntl.open(dir.resolve("f").toString(), Fcntl.O_RDONLY, 0)) {
            LinuxException e = failsWith(Errno.EINVAL, () -> Dirents.getdents64(d, arena.allocate(8)));
            assertThat(e).hasMessage("getdents64(fd " + d.number() + "): EINVAL (Invalid argument)");
            failsWith(Errno.EBADF, () -> Dirents.getdents64(path, arena.allocate(4096)));
            failsWith(Errno.ENOTDIR, () -> Dirents.getdents64(file, arena.allocate(4096)));
        }
    }

    @Test
    void decode_goldenRecord_givesEachField() {
        MemorySegment buf = arena.allocate(48, 8);
        buf.set(JAVA_LONG, 0, 4711);             // d_ino
        buf.set(JAVA_LONG, 8, 0x7fff_0000_0001L); // d_off
        buf.set(JAVA_SHORT, 16, (short) 24);     // d_reclen: 19 + "ab" + NUL, padded to 8
        buf.set(JAVA_BYTE, 18, (byte) 10);       // d_type: DT_LNK
        buf.setString(19, "ab");                 // d_name
        buf.set(JAVA_LONG, 24, 5);               // second record: d_ino
        buf.set(JAVA_LONG, 32, 9);               // d_off
        buf.set(JAVA_SHORT, 40, (short) 24);     // d_reclen
        buf.set(JAVA_BYTE, 42, (byte) 0xff);     // d_type out of the DT_* range stays as given
        buf.set(JAVA_BYTE, 43, (byte) 0xfe);     // d_name: one non-UTF-8 byte, then the zero fill
        assertThat(Dirents.decode(buf, 48)).containsExactly(
                new Dirent(4711, 0x7fff_0000_0001L, Dirents.DT_LNK, new byte[] {'a', 'b'}),
                new Dirent(5, 9, 255, new byte[] {(byte) 0xfe}));
        assertThat(Dirents.decode(buf, 0)).isEmpty();
    }

    @Test
    void decode_impossibleRecordLength_isRejected() {
        MemorySegment buf = arena.allocate(24, 8);
        buf.set(JAVA_SHORT, 16, (short) 32);
        assertThatThrownBy(() -> Dirents.decode(buf, 24)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("d_reclen 32");
        buf.set(JAVA_SHORT, 16, (short) 0);
        assertThatThrownBy(() -> Dirents.decode(buf, 24)).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Dirent> readAll(Fd d, MemorySegment buffer) throws LinuxException {
        List<Dirent> all = new ArrayList<>();
        for (List<Dirent> chunk; !(chunk = Dirents.read(d, buffer)).isEmpty(); ) all.addAll(chunk);
        return all;
    }
}
