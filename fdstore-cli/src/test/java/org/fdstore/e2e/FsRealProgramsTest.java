package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real programs on the mount, differentially: each case of real_programs.py (git, sqlite3 in WAL and rollback
 * journal modes, rsync -aHAX, tar, make -j, dbench, a binary run by two processes at once, one file opened with every
 * flag mix by several processes, mmap of a file opened twice, a tree deeper than PATH_MAX, 50,000 inodes) runs once
 * in the mount's source directory and once through the mount, and must print the same outcomes: exit statuses,
 * outputs, and the resulting trees (type, mode, link count, owner, size, content, xattrs). Then the cases that take a
 * few seconds run again and again through a mount whose serving process is killed (kill -9) twice and upgraded twice.
 */
class FsRealProgramsTest {
    /** Every case, in the order they run. */
    static final List<String> CASES = List.of("git", "sqlite-wal", "sqlite-rollback", "rsync", "tar", "make",
            "exec", "open-flags", "mmap", "deep", "dbench", "inodes");
    /** The cases that run while the mount's serving process is killed and upgraded: all but the two longest. */
    static final List<String> SHORT_CASES = CASES.stream().filter(c -> !c.equals("inodes") && !c.equals("dbench"))
            .toList();
    /** The cases that open one file many times at once, run again on a mount without kernel passthrough. */
    static final List<String> CASES_WITHOUT_PASSTHROUGH = List.of("sqlite-wal", "exec", "open-flags", "mmap");
    private static final String[] FAILURE_EVENTS = {"event=store_failed", "event=handoff_failed",
        "event=standby_failed", "event=rehearsal_failed"};

    @TempDir static Path shared;
    private static FsMount fs;
    private static RealProgram program;

    @BeforeAll
    static void mount() throws Exception {
        fs = FsMount.start(Files.createDirectory(shared.resolve("fs")));
        program = RealProgram.install(shared);
    }

    @AfterAll
    static void unmount() throws Exception {
        if (fs == null) return;
        try (FsMount closing = fs) {
            CliRun umount = closing.cli("fs", "umount", closing.mountpoint.toString());
            assertThat(umount.exitCode()).as(umount.toString()).isZero();
            closing.store.awaitFdCount(closing.storeBaseline);
        }
    }

    static Stream<String> cases() {
        return CASES.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void realProgram_throughTheMount_doesWhatItDoesOnTheSource(String name) throws Exception {
        Outcomes source = onTheSource(fs, name);
        int logBefore = settledLog(fs).length();
        Outcomes mount = program.run(name, fs.mountpoint.resolve("b-" + name), fs.dir.resolve("scratch/b-" + name));
        String failures = failureLines(settledLog(fs).substring(logBefore));
        mount.differenceFrom(source, "on the source", "through the mount")
                .ifPresent(difference -> fail(difference + failures));
        if (!failures.isEmpty()) {
            // The mount reads the store's answers to its saves lazily: a refusal can surface a case later.
            fail("case '" + name + "' ran as on the source, but the mount logged meanwhile (about this case or an earlier"
                    + " one):" + failures);
        }
    }

    @Test
    void realPrograms_whileTheServerIsKilledTwiceAndUpgradedTwice_runAsOnTheSource() throws Exception {
        Path dir = Files.createDirectory(shared.resolve("failover"));
        try (FsMount mount = FsMount.start(dir)) {
            Map<String, Outcomes> expected = new HashMap<>();
            for (String name : SHORT_CASES) expected.put(name, onTheSource(mount, name));
            Runner runner = new Runner(mount, expected);
            Thread thread = Thread.ofPlatform().name("real-programs").start(runner);
            boolean disrupted = false;
            try {
                for (int round = 0; round < 2; round++) {
                    runner.awaitAnotherCase();
                    mount.killServerAndAwaitSuccessor();
                    runner.awaitAnotherCase();
                    mount.awaitStandby();
                    CliRun upgrade = mount.cli("fs", "upgrade", mount.mountpoint.toString());
                    assertThat(upgrade.exitCode()).as(upgrade + mount.log()).isZero();
                }
                runner.awaitAnotherCase();
                disrupted = true;
            } finally {
                runner.stop(disrupted);
                thread.join(Duration.ofMinutes(6));
            }
            assertThat(runner.runs.get()).as("cases run through the mount").isGreaterThanOrEqualTo(SHORT_CASES.size());
            assertThat(runner.differences).as("cases that differ from the source").isEmpty();
            assertThat(mount.status()).containsEntry("failovers", "2").containsEntry("upgrades", "2");
            assertThat(failureLines(mount.log())).as("failures in the mount's log").isEmpty();
            CliRun umount = mount.cli("fs", "umount", mount.mountpoint.toString());
            assertThat(umount.exitCode()).as(umount.toString()).isZero();
            mount.store.awaitFdCount(mount.storeBaseline);
        }
    }

    /** Runs a case in the mount's source directory itself, where it must run as on any healthy filesystem. */
    @Test
    void concurrentOpens_withoutKernelPassthrough_runAsOnTheSource() throws Exception {
        Path dir = Files.createDirectory(shared.resolve("no-passthrough"));
        try (FsMount mount = FsMount.start(dir, "--no-passthrough")) {
            String mounted = mount.log().lines().filter(l -> l.contains("event=mounted")).findFirst().orElseThrow();
            assertThat(mounted).as("what INIT agreed").contains("flags=").doesNotContain("PASSTHROUGH");
            for (String name : CASES_WITHOUT_PASSTHROUGH) {
                Outcomes source = onTheSource(mount, name);
                Outcomes through = program.run(name, mount.mountpoint.resolve("b-" + name),
                        mount.dir.resolve("scratch/b-" + name));
                through.differenceFrom(source, "on the source", "through a mount without passthrough")
                        .ifPresent(difference -> fail(difference + failureLines(mount.log())));
            }
        }
    }

    private static Outcomes onTheSource(FsMount mount, String name) throws Exception {
        Outcomes source = program.run(name, mount.source.resolve("a-" + name), mount.dir.resolve("scratch/a-" + name));
        assertThat(source.unexpected()).as("case %s on the source directory itself:\n%s", name, source).isEmpty();
        return source;
    }

    /**
     * Runs the short cases through the mount, round after round, until stopped at the end of a round (so that every
     * case runs at least once), or after the current case if the test failed; keeps every difference.
     */
    private static final class Runner implements Runnable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicBoolean abort = new AtomicBoolean();
        final AtomicInteger runs = new AtomicInteger();
        final List<String> differences = Collections.synchronizedList(new ArrayList<>());
        private final FsMount mount;
        private final Map<String, Outcomes> expected;

        Runner(FsMount mount, Map<String, Outcomes> expected) {
            this.mount = mount;
            this.expected = expected;
        }

        @Override
        public void run() {
            for (int round = 0; !stop.get(); round++) {
                for (String name : SHORT_CASES) {
                    if (abort.get()) return;
                    try {
                        String root = "r" + round + "-" + name;
                        Outcomes actual = program.run(name, mount.mountpoint.resolve(root),
                                mount.dir.resolve("scratch/" + root));
                        actual.differenceFrom(expected.get(name), "on the source", "through the mount (round "
                                + round + ")").ifPresent(differences::add);
                    } catch (Exception e) {
                        differences.add("case '" + name + "' round " + round + ": " + e);
                    }
                    runs.incrementAndGet();
                }
            }
        }

        void stop(boolean finishTheRound) {
            abort.set(!finishTheRound);
            stop.set(true);
        }

        /** Waits until the runner has finished another case, so that each kill or upgrade lands on another one. */
        void awaitAnotherCase() {
            int seen = runs.get();
            Await.until("the real programs to finish another case", Duration.ofMinutes(5),
                    () -> runs.get() > seen || stop.get(), () -> String.join("\n", differences));
        }
    }

    /** The mount's log once it has stopped growing: the store answers the mount's saves after the case is over. */
    private static String settledLog(FsMount mount) {
        String[] last = {mount.log()};
        int[] stableFor = {0};
        Await.until("the mount's log to settle", Duration.ofSeconds(30), () -> {
            String now = mount.log();
            stableFor[0] = now.length() == last[0].length() ? stableFor[0] + 1 : 0;
            last[0] = now;
            return stableFor[0] >= 40;
        });
        return last[0];
    }

    /** The lines of a mount's log that say it failed to keep its state or hand it on. */
    private static String failureLines(String log) {
        StringBuilder out = new StringBuilder();
        log.lines().filter(line -> Stream.of(FAILURE_EVENTS).anyMatch(line::contains)).limit(5)
                .forEach(line -> out.append("\n    ").append(line));
        return out.toString();
    }
}
