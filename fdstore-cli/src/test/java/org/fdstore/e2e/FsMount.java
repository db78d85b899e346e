package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Mount;

/**
 * A passthrough mount for a test: its own store daemon, a source and a mountpoint in a temporary directory, and the
 * mount's background processes. Closing it unmounts and stops every process it started, whatever state they are in:
 * a stale FUSE mount would hang whatever touches it later.
 */
final class FsMount implements AutoCloseable {
    final Path dir;
    final Path source;
    final Path mountpoint;
    final DaemonProcess store;
    /** The store daemon's fd count before the mount: after an unmount it must be back here. */
    final int storeBaseline;

    private FsMount(Path dir, DaemonProcess store) {
        this.dir = dir;
        this.source = dir.resolve("src");
        this.mountpoint = dir.resolve("mnt");
        this.store = store;
        this.storeBaseline = store.fdCount();
    }

    /** Mounts an empty source; {@code options} go to {@code fs mount} (e.g. --no-standby). */
    static FsMount start(Path dir, String... options) throws Exception {
        return start(dir, DaemonProcess.start(dir), options);
    }

    /** As {@link #start}, on a store daemon with its hot standby (see {@link MirroredStore#of}). */
    static FsMount startOnMirroredStore(Path dir) throws Exception {
        return start(dir, DaemonProcess.startMirrored(dir));
    }

    private static FsMount start(Path dir, DaemonProcess store, String... options) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        FsMount fs = new FsMount(dir, store);
        try {
            Files.createDirectories(fs.source);
            Files.createDirectories(fs.mountpoint);
            Files.setPosixFilePermissions(fs.source, PosixFilePermissions.fromString("rwxr-xr-x"));
            String[] args = new String[options.length + 4];
            args[0] = "fs";
            args[1] = "mount";
            System.arraycopy(options, 0, args, 2, options.length);
            args[options.length + 2] = fs.source.toString();
            args[options.length + 3] = fs.mountpoint.toString();
            CliRun mount = fs.cli(args);
            assertThat(mount.exitCode()).as(mount + fs.log()).isZero();
            assertThat(mount.stdout()).startsWith("mounted " + fs.source + " on " + fs.mountpoint + " pid=");
        } catch (Exception | Error e) {
            fs.close();
            throw e;
        }
        return fs;
    }

    CliRun cli(String... args) throws IOException, InterruptedException {
        return CliRun.run(dir, store.socket(), args);
    }

    /** The key=value lines of {@code fs status}. */
    Map<String, String> status() throws IOException, InterruptedException {
        CliRun run = cli("fs", "status", mountpoint.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        Map<String, String> values = new HashMap<>();
        run.stdout().lines().forEach(line -> {
            int eq = line.indexOf('=');
            values.put(line.substring(0, eq), line.substring(eq + 1));
        });
        return values;
    }

    int servingPid() throws IOException, InterruptedException {
        return Integer.parseInt(status().get("pid"));
    }

    /** Waits until a standby is registered, and returns its pid. */
    int awaitStandby() {
        int[] pid = {0};
        Await.until("a standby for " + mountpoint, Duration.ofSeconds(60), () -> {
            try {
                String standby = status().get("standby");
                pid[0] = standby.equals("none") ? 0 : Integer.parseInt(standby);
                return pid[0] != 0;
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        }, this::log);
        return pid[0];
    }

    /** Kills the serving process (kill -9) once a standby waits, and waits until the standby serves; returns its pid. */
    int killServerAndAwaitSuccessor() throws IOException, InterruptedException {
        awaitStandby();
        int serving = servingPid();
        ProcessHandle.of(serving).orElseThrow().destroyForcibly();
        int[] successor = {0};
        Await.until("a new serving process after killing " + serving, Duration.ofSeconds(30), () -> {
            try {
                successor[0] = servingPid();
                return successor[0] != serving && successor[0] != 0;
            } catch (Exception e) {
                return false;
            }
        }, this::log);
        return successor[0];
    }

    String log() {
        try (var files = Files.list(dir)) {
            StringBuilder out = new StringBuilder();
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith("fs-")).toList()) {
                out.append("\n--- ").append(p).append('\n').append(Files.readString(p));
            }
            return out.toString();
        } catch (IOException e) {
            return "(no fs log: " + e + ")";
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (store.isAlive() && mounted()) cli("fs", "umount", mountpoint.toString());
        } finally {
            if (mounted()) {
                try {
                    Mount.umount2(mountpoint.toString(), Mount.MNT_DETACH);
                } catch (LinuxException ignored) {
                    // Gone between the check and the call.
                }
            }
            String where = mountpoint.toString();
            ProcessHandle.allProcesses()
                    .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(where)).orElse(false))
                    .forEach(ProcessHandle::destroyForcibly);
            store.close();
        }
    }

    boolean mounted() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                .anyMatch(line -> line.split(" ")[1].equals(mountpoint.toString()));
    }
}
