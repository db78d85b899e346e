package org.fdstore.passthrough;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.junit.jupiter.api.Test;

/**
 * The counting of {@link BackingFiles}: one registration per open inode, closed once with its last handle. The
 * kernel's side (what it refuses, and that one registration serves every open) is tested on a real mount by
 * FsSemanticsTest and FsSharedBackingTest; here the connection is a recorder, so the races can be driven.
 */
class BackingFilesTest {
    /** Records registrations and closes; hands out ids 1, 2, ...; refuses when {@code refuse} is set. */
    private static final class Recorder implements BackingFiles.Kernel {
        final AtomicInteger next = new AtomicInteger();
        final List<Integer> closed = new ArrayList<>();
        volatile boolean refuse;

        @Override
        public int open(Fd file) throws LinuxException {
            if (refuse) throw new LinuxException("ioctl(FUSE_DEV_IOC_BACKING_OPEN)", Errno.EINVAL, "refused");
            return next.incrementAndGet();
        }

        @Override
        public synchronized void close(int backingId) {
            closed.add(backingId);
        }

        synchronized List<Integer> closed() {
            return List.copyOf(closed);
        }
    }

    private final Recorder kernel = new Recorder();
    private final BackingFiles backing = new BackingFiles(kernel);

    @Test
    void acquire_secondOpenOfAnInode_sharesTheFirstId_andTheLastReleaseClosesIt() {
        int first = backing.acquire(7, null, true);
        int second = backing.acquire(7, null, true);
        int other = backing.acquire(8, null, true);
        assertThat(second).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(kernel.next.get()).as("registrations").isEqualTo(2);
        backing.release(7, first);
        assertThat(kernel.closed()).isEmpty();
        backing.release(7, second);
        assertThat(kernel.closed()).containsExactly(first);
        assertThat(backing.acquire(7, null, true)).as("a new open after the last release registers anew")
                .isEqualTo(3);
    }

    @Test
    void acquire_refusedRegistration_servesEveryHandleWithoutPassthroughUntilTheLastCloses() {
        kernel.refuse = true;
        assertThat(backing.acquire(7, null, true)).isZero();
        kernel.refuse = false;
        assertThat(backing.acquire(7, null, true)).as("no mixing with the cached handle still open").isZero();
        backing.release(7, 0);
        backing.release(7, 0);
        assertThat(kernel.closed()).isEmpty();
        assertThat(backing.acquire(7, null, true)).as("passthrough again once none is open").isEqualTo(1);
    }

    @Test
    void acquire_withoutPassthrough_registersNothing() {
        assertThat(backing.acquire(7, null, false)).isZero();
        assertThat(backing.acquire(7, null, true)).as("the inode's open handles decide").isZero();
        assertThat(kernel.next.get()).isZero();
    }

    @Test
    void adopt_recoveredHandlesSharingAnId_areCountedSoTheLastReleaseClosesItOnce() {
        backing.adopt(7, 5);
        backing.adopt(7, 5);
        assertThat(backing.acquire(7, null, true)).as("a later open reuses the recovered id").isEqualTo(5);
        assertThat(backing.handles(7)).isEqualTo(3);
        backing.release(7, 5);
        backing.release(7, 5);
        assertThat(kernel.closed()).isEmpty();
        backing.release(7, 5);
        assertThat(kernel.closed()).containsExactly(5);
        backing.release(7, 5);
        assertThat(kernel.closed()).as("a stray release closes nothing").containsExactly(5);
    }

    @Test
    void adopt_conflictingId_isNotCountedAndNeverClosesTheInodesId() {
        backing.adopt(7, 5);
        backing.adopt(7, 6);
        assertThat(backing.backingId(7)).isEqualTo(5);
        assertThat(backing.handles(7)).isEqualTo(1);
        backing.release(7, 6);
        assertThat(backing.handles(7)).isEqualTo(1);
        backing.release(7, 5);
        assertThat(kernel.closed()).containsExactly(5);
    }

    @Test
    void acquireAndRelease_racingOnOneInode_neverHoldTwoIdsAndCloseEachOnce() throws Exception {
        int threads = 4;
        int rounds = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        int id = backing.acquire(7, null, true);
                        int current = backing.backingId(7);
                        if (current != id) throw new AssertionError("open got " + id + " while the inode has " + current);
                        backing.release(7, id);
                    }
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }));
        }
        start.countDown();
        for (Thread w : workers) w.join();
        assertThat(failures).isEmpty();
        assertThat(backing.handles(7)).isZero();
        List<Integer> closed = kernel.closed();
        assertThat(closed).as("every registration closed exactly once").hasSize(kernel.next.get())
                .doesNotHaveDuplicates();
    }
}
