package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * POSIX semantics through the mount, differentially: a catalogue of cases (posix_cases.py: data, truncate, renames,
 * hard and symbolic links, directories, a 3000-entry listing, fifos and device nodes, chmod, chown, utimens, xattrs,
 * sticky and setgid directories, permission checks, set-id bits cleared by another user's write or truncate, one file
 * open twice at once and mapped, a binary run by two processes at once) runs as root and as two unprivileged users,
 * once on a plain directory and once through the mount, and every outcome must be the same. The mount uses --dev, so
 * that device nodes behave as on the source (by default a mount is nodev, and opening one fails with EACCES).
 */
class FsSemanticsTest {
    private static final String USER_A = "--reuid=1001 --regid=1001 --groups=1234";
    private static final String USER_B = "--reuid=1002 --regid=1002 --clear-groups";

    @TempDir Path dir;

    @Test
    void posixCases_throughTheMount_matchTheSourceFilesystem() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path script = Scripts.copy("posix_cases.py", dir);
        Path nativeRoot = Files.createDirectory(dir.resolve("native"));
        Files.setPosixFilePermissions(nativeRoot, PosixFilePermissions.fromString("rwxr-xr-x"));
        String expected = runAllPhases(script, nativeRoot);
        try (FsMount fs = FsMount.start(Files.createDirectory(dir.resolve("fs")), "--dev")) {
            String actual = runAllPhases(script, fs.mountpoint);
            assertThat(actual).as("outcomes through the mount" + fs.log()).isEqualTo(expected);
            assertThat(expected).contains("b unlink a in sticky: EPERM").contains("a read root 600: EACCES")
                    .contains("big listing: ok (3000").contains("a write setid: ok type=100000 mode=777 ")
                    .contains("root write setid: ok type=100000 mode=6777 ")
                    .contains("two opens and mmap: ok (b'ABCD456789', b'ABCD456789', b'ABCD456789!')")
                    .contains("exec by two processes, then open for write: ok ([-15, -15], 'ETXTBSY')");
            CliRun umount = fs.cli("fs", "umount", fs.mountpoint.toString());
            assertThat(umount.exitCode()).as(umount.toString()).isZero();
            fs.store.awaitFdCount(fs.storeBaseline);
        }
    }

    private static String runAllPhases(Path script, Path root) throws Exception {
        StringBuilder out = new StringBuilder();
        out.append(run(script, root, "root-setup", null));
        out.append(run(script, root, "user-a", USER_A));
        out.append(run(script, root, "user-b", USER_B));
        out.append(run(script, root, "root-final", null));
        return out.toString();
    }

    private static String run(Path script, Path root, String phase, String user) throws Exception {
        List<String> command = new ArrayList<>();
        if (user != null) {
            command.add("setpriv");
            command.addAll(List.of(user.split(" ")));
        }
        command.addAll(List.of(Scripts.PYTHON, script.toString(), root.toString(), phase));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("phase " + phase + " finished").isTrue();
        assertThat(p.exitValue()).as("phase " + phase + ":\n" + output).isZero();
        return output;
    }
}
