package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RFC's save / restore / remove flow through the CLI, each command a separate process, against a real daemon. */
class StoreFlowTest {
    @TempDir Path dir;
    private DaemonProcess daemon;
    private int baselineFds;

    @BeforeEach
    void startDaemon() throws Exception {
        daemon = DaemonProcess.start(dir);
        baselineFds = daemon.fdCount();
    }

    @AfterEach
    void stopDaemon() throws Exception {
        try {
            if (daemon.isAlive()) {
                CliRun.run(dir, daemon.socket(), "list").stdout().lines().skip(1)
                        .map(line -> line.split("\\s+")[0])
                        .forEach(id -> remove(id));
                daemon.awaitFdCount(baselineFds);
            }
        } finally {
            assertThat(daemon.stop()).as("daemon exit code after SIGTERM").isZero();
        }
    }

    private void remove(String id) {
        try {
            CliRun.run(dir, daemon.socket(), "remove", id);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private CliRun fdstore(String... args) throws Exception {
        return CliRun.run(dir, daemon.socket(), args);
    }

    @Test
    void saveRestoreRemove_saverExitsAndFileIsDeleted_restoreStillReadsIt() throws Exception {
        CliRun save = fdstore("save", "-f", "foobar");
        assertThat(save.exitCode()).as(save.toString()).isZero();
        assertThat(save.stdout()).isEqualTo("saved file id 1\n");
        Files.writeString(dir.resolve("foobar"), "hello from the store\n");
        Files.delete(dir.resolve("foobar"));
        assertThat(daemon.fdCount()).isEqualTo(baselineFds + 1);

        for (int i = 0; i < 3; i++) {
            CliRun restore = fdstore("restore", "1");
            assertThat(restore.exitCode()).as(restore.toString()).isZero();
            assertThat(restore.stdout()).isEqualTo("file content:\nhello from the store\n");
        }

        CliRun remove = fdstore("remove", "1");
        assertThat(remove.stdout()).isEqualTo("deleted file id 1\n");
        daemon.awaitFdCount(baselineFds);

        CliRun gone = fdstore("restore", "1");
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.stdout()).isEmpty();
        assertThat(gone.stderr()).contains("no entry with id 1 (ENOENT)");
    }

    @Test
    void rfcFlags_saveRestoreDelete_printTheRfcLines() throws Exception {
        CliRun save = fdstore("-s", "-f", "seed");
        assertThat(save.stdout()).as(save.toString()).isEqualTo("saved file id 1\n");
        Files.writeString(dir.resolve("seed"), "abc");

        CliRun restore = fdstore("-r", "1");
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(restore.stdout()).matches("(?s)restored file fd \\d+ with id 1\nfile content:\nabc\\n?");

        CliRun delete = fdstore("-d", "1");
        assertThat(delete.stdout()).isEqualTo("deleted file id 1\n");
        CliRun again = fdstore("-r", "1");
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.stderr()).contains("ENOENT");
    }

    @Test
    void ids_areTheSmallestFreeInteger() throws Exception {
        assertThat(fdstore("save", "-f", "a").stdout()).isEqualTo("saved file id 1\n");
        assertThat(fdstore("save", "-f", "b").stdout()).isEqualTo("saved file id 2\n");
        assertThat(fdstore("save", "-f", "c").stdout()).isEqualTo("saved file id 3\n");
        fdstore("remove", "2");
        assertThat(fdstore("save", "-f", "d").stdout()).isEqualTo("saved file id 2\n");
        assertThat(fdstore("save", "-f", "e").stdout()).isEqualTo("saved file id 4\n");
    }

    @Test
    void take_returnsTheFileAndRemovesTheEntry() throws Exception {
        fdstore("save", "-f", "t");
        Files.writeString(dir.resolve("t"), "taken\n");
        CliRun take = fdstore("take", "1");
        assertThat(take.exitCode()).as(take.toString()).isZero();
        assertThat(take.stdout()).isEqualTo("file content:\ntaken\ndeleted file id 1\n");
        daemon.awaitFdCount(baselineFds);
        assertThat(fdstore("restore", "1").stderr()).contains("no entry with id 1 (ENOENT)");
    }

    @Test
    void names_restoreAndRemoveByName_andDuplicatesAreRefused() throws Exception {
        CliRun save = fdstore("save", "-f", "db.dat", "--name", "db");
        assertThat(save.stdout()).as(save.toString()).isEqualTo("saved file id 1\n");
        Files.writeString(dir.resolve("db.dat"), "rows");

        assertThat(fdstore("restore", "db").stdout()).isEqualTo("file content:\nrows");
        CliRun duplicate = fdstore("save", "-f", "other", "--name", "db");
        assertThat(duplicate.exitCode()).isEqualTo(1);
        assertThat(duplicate.stderr()).contains("EEXIST").contains("\"db\"");

        CliRun bad = fdstore("save", "-f", "other", "--name", "bad\tname");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.stderr()).contains("EINVAL");

        assertThat(fdstore("remove", "db").stdout()).isEqualTo("deleted file id 1\n");
        assertThat(fdstore("restore", "db").stderr()).contains("no entry with name \"db\" (ENOENT)");
        daemon.awaitFdCount(baselineFds);
    }

    @Test
    void list_showsEntriesAsTableAndJson() throws Exception {
        fdstore("save", "-f", "listed", "--name", "cfg");
        CliRun table = fdstore("list");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        assertThat(table.stdout().lines().findFirst().orElseThrow())
                .contains("ID").contains("NAME").contains("KIND").contains("TARGET");
        assertThat(table.stdout()).contains("cfg").contains("file").contains(dir.resolve("listed").toString());

        CliRun json = fdstore("list", "--json");
        assertThat(json.stdout()).contains("\"id\":1").contains("\"name\":\"cfg\"").contains("\"kind\":\"file\"")
                .contains("\"target\":\"" + dir.resolve("listed") + "\"");
    }

    @Test
    void noDaemon_errorNamesTheSocketAndHowToStartOne() throws Exception {
        Path nowhere = dir.resolve("nobody.sock");
        CliRun run = CliRun.runRaw(dir, Map.of("FDSTORE_SOCKET", nowhere.toString()), "restore", "1");
        assertThat(run.exitCode()).isEqualTo(111);
        assertThat(run.stderr()).contains(nowhere.toString()).contains("ENOENT").contains("fdstore daemon");
    }
}
