package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.fdstore.client.FdStore;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.protocol.DaemonStatus;
import org.fdstore.protocol.EntryInfo;
import org.fdstore.protocol.Selector;
import org.junit.jupiter.api.Test;

/**
 * The process-level fuzzer (issue 15): a {@link FrameFuzzer} of an unprivileged uid sends malformed frames, wrong
 * fd counts, 0 to 253 attached fds, oversize frames, open multi-frame requests and abrupt closes to a real daemon
 * with its hot standby, while a well-behaved root client keeps {@value #KNOWN} known entries and restores, saves and
 * removes between them. Checked all along: the daemon keeps serving (same pid, no failover in {@code status}), every
 * known entry is there with its content; and after each batch of frames, once the fuzzer has closed its connections
 * and the entries its valid saves made are removed, the daemon holds exactly its baseline fds plus the known
 * entries' (/proc/PID/fd).
 *
 * <p>Bounded for bin/test by {@code -Dfdstore.fuzz.seconds} (default 40); {@code bin/soak fuzz} runs it with
 * {@code -Dfdstore.fuzz.frames=1000000}. {@code -Dfdstore.fuzz.seed} repeats a run. Prints one summary line
 * ({@code fuzz frames=...}) with the counts.
 */
class FrameFuzzTest {
    static final int FUZZER_UID = 4131;
    static final int KNOWN = 16;
    static final long BATCH = 20_000;

    @Test
    void fuzz_malformedFramesAndFdsFromAnotherUid_daemonKeepsServingLosesNothingLeaksNothing() throws Exception {
        long frameTarget = Long.getLong("fdstore.fuzz.frames", 0);
        long seconds = Long.getLong("fdstore.fuzz.seconds", frameTarget > 0 ? 0 : 40);
        long seed = Long.getLong("fdstore.fuzz.seed", System.nanoTime());
        Path dir = PeerClasspath.newSharedDir("fuzz");
        List<Fd> knownFds = new ArrayList<>();
        Process fuzzer = null;
        try (DaemonProcess daemon = DaemonProcess.startMirrored(dir);
             FdStore good = FdStore.connect(daemon.socket().toString())) {
            Await.until("the standby to attach", Duration.ofSeconds(30),
                    () -> status(good).standbyPid().isPresent(), daemon::logText);
            int pid = (int) daemon.pid();
            assertThat(status(good).servingPid()).isEqualTo(pid);
            int baseline = daemon.fdCount();
            Set<Long> knownIds = new HashSet<>();
            for (int i = 0; i < KNOWN; i++) {
                Path file = dir.resolve("known-" + i);
                Files.writeString(file, content(i));
                Fd fd = Fcntl.open(file.toString(), Fcntl.O_RDONLY, 0);
                knownFds.add(fd);
                knownIds.add(good.save(fd, "known-" + i));
            }
            daemon.awaitFdCount(baseline + KNOWN);
            List<String> fdsBefore = fdTargets(pid);

            List<String> command = new ArrayList<>(Peer.setpriv(FUZZER_UID));
            command.addAll(PeerClasspath.java("org.fdstore.e2e.FrameFuzzer", daemon.socket().toString(),
                    Long.toString(seed)));
            fuzzer = new ProcessBuilder(command).directory(PeerClasspath.dir().toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BlockingQueue<String> answers = lines(fuzzer);
            PrintStream toFuzzer = new PrintStream(fuzzer.getOutputStream(), true, StandardCharsets.UTF_8);
            assertThat(answers.poll(60, TimeUnit.SECONDS)).as("the fuzzer starts").isEqualTo("ready");

            Random random = new Random(seed);
            long start = System.nanoTime();
            long frames = 0;
            long goodOps = 0;
            long strays = 0;
            int checkpoints = 0;
            String counts = "";
            while (frameTarget > 0 ? frames < frameTarget
                    : System.nanoTime() - start < TimeUnit.SECONDS.toNanos(seconds)) {
                toFuzzer.println("run " + BATCH);
                String done;
                // The well-behaved client works while the batch runs, and checks the daemon all along.
                while ((done = answers.poll()) == null) {
                    goodOps += goodClientTurn(good, random, pid);
                    if (!fuzzer.isAlive()) throw new AssertionError("the fuzzer died: exit " + fuzzer.exitValue());
                }
                assertThat(done).startsWith("done ");
                counts = done.substring(5);
                frames = count(counts, "frames");
                checkpoints++;
                // The daemon carries out the frames that reached it before the fuzzer hung up (they are durable),
                // so a stray entry may still come after the fuzzer is done: remove them until none is left.
                long[] removed = {0};
                try {
                    Await.until("the daemon to hold its baseline and the known entries' fds, " + (baseline + KNOWN),
                            Duration.ofSeconds(10), () -> {
                                removed[0] += removeStrays(good, knownIds);
                                return daemon.fdCount() == baseline + KNOWN;
                            }, () -> "(holds " + daemon.fdCount() + ")");
                } catch (AssertionError e) {
                    List<String> extra = new ArrayList<>(fdTargets(pid));
                    fdsBefore.forEach(extra::remove);
                    throw new AssertionError(e.getMessage() + "; fds beyond the baseline: " + extra + "; seed " + seed
                            + "; fuzzer counts: " + counts, e);
                }
                strays += removed[0];
                DaemonStatus status = status(good);
                assertThat(status.servingPid()).as("the pid that serves").isEqualTo(pid);
                assertThat(status.lastTransition()).as("failover").isEqualTo(DaemonStatus.Transition.NONE);
                assertThat(status.entries()).isEqualTo(KNOWN);
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.printf("fuzz frames=%d duration_s=%.1f frames_per_s=%.0f seed=%d checkpoints=%d good_ops=%d"
                    + " stray_entries_removed=%d same_pid=true failovers=0 known_lost=0 fd_leaks=0"
                    + " daemon_fds=baseline(%d)+%d %s%n", frames, elapsed, frames / elapsed, seed, checkpoints,
                    goodOps, strays, baseline, KNOWN, counts);
            System.out.println("fuzz daemon_log " + daemonEvents(daemon.log()));
            assertThat(frames).isPositive();
            assertThat(daemon.isAlive()).isTrue();
            StoreSnapshot.clear(daemon.socket());
        } finally {
            if (fuzzer != null) fuzzer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            knownFds.forEach(Fd::close);
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** One turn of the well-behaved client: restores a known entry and checks it, saves and removes another. */
    private static int goodClientTurn(FdStore good, Random random, int pid) throws Exception {
        int i = random.nextInt(KNOWN);
        try (FileChannel channel = good.restoreChannel(new Selector.ByName("known-" + i))) {
            ByteBuffer read = ByteBuffer.allocate(64);
            channel.read(read, 0);
            assertThat(new String(read.array(), 0, read.position(), StandardCharsets.UTF_8)).isEqualTo(content(i));
        }
        try (Fd devNull = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0)) {
            good.remove(good.save(devNull, "passing"));
        }
        if (random.nextInt(20) == 0) {
            List<String> names = good.list().stream().map(e -> e.namespace() + "/" + e.name()).toList();
            for (int k = 0; k < KNOWN; k++) assertThat(names).contains("uid.0/known-" + k);
            DaemonStatus status = status(good);
            assertThat(status.servingPid()).as("the pid that serves").isEqualTo(pid);
            assertThat(status.lastTransition()).as("failover").isEqualTo(DaemonStatus.Transition.NONE);
        }
        return 3;
    }

    /** Removes the entries the fuzzer's valid saves made; returns how many. */
    private static int removeStrays(FdStore good, Set<Long> knownIds) {
        int removed = 0;
        try {
            for (EntryInfo e : good.list()) {
                if (knownIds.contains(e.id())) continue;
                try {
                    good.remove(e.id());
                    removed++;
                } catch (org.fdstore.client.FdStoreException gone) {
                    // Its TTL ended, or a frame of the fuzzer still being carried out took it, since the list.
                    if (gone.errno() != org.fdstore.linux.Errno.ENOENT) throw gone;
                }
            }
        } catch (org.fdstore.client.FdStoreException e) {
            throw new AssertionError("the well-behaved client failed: " + e.getMessage(), e);
        }
        return removed;
    }

    private static DaemonStatus status(FdStore store) {
        try {
            return store.status();
        } catch (Exception e) {
            throw new AssertionError("status failed", e);
        }
    }

    /**
     * The daemon's own count of what it saw, from its log: connections accepted and refused, frames refused as
     * malformed by errno (each drops its connection; the frames queued behind it are discarded unread), refusals.
     */
    private static String daemonEvents(Path log) throws Exception {
        java.util.Map<String, Long> events = new java.util.TreeMap<>();
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            lines.forEach(line -> {
                int at = line.indexOf(" event=");
                if (at < 0) return;
                int end = line.indexOf(' ', at + 7);
                String event = line.substring(at + 7, end < 0 ? line.length() : end);
                int result = line.indexOf(" result=");
                if (event.equals("protocol_error") && result >= 0) {
                    int resultEnd = line.indexOf(' ', result + 8);
                    event += "_" + line.substring(result + 8, resultEnd < 0 ? line.length() : resultEnd);
                }
                events.merge(event, 1L, Long::sum);
            });
        }
        StringBuilder out = new StringBuilder();
        events.forEach((k, v) -> out.append(out.isEmpty() ? "" : " ").append(k).append('=').append(v));
        return out.toString();
    }

    /** What each fd of process {@code pid} refers to (readlink of /proc/PID/fd/N). */
    private static List<String> fdTargets(int pid) throws Exception {
        List<String> targets = new ArrayList<>();
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    targets.add(Files.readSymbolicLink(fd).toString());
                } catch (java.io.IOException gone) {
                    // Closed meanwhile.
                }
            }
        }
        return targets;
    }

    private static String content(int i) {
        return "known entry " + i;
    }

    private static long count(String counts, String key) {
        for (String pair : counts.split(" ")) {
            if (pair.startsWith(key + "=")) return Long.parseLong(pair.substring(key.length() + 1));
        }
        return 0;
    }

    private static BlockingQueue<String> lines(Process process) {
        BlockingQueue<String> lines = new ArrayBlockingQueue<>(16);
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) lines.put(line);
            } catch (Exception e) {
                // The process is gone.
            }
        });
        return lines;
    }
}
