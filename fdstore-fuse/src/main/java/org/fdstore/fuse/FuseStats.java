package org.fdstore.fuse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import org.fdstore.fuse.wire.Opcode;

/**
 * Requests a session has served, and the time their handlers took, by opcode, since the session started.
 *
 * <p>Thread safe: readers count with atomic adds; {@link #snapshot()} may run on any thread.
 */
public final class FuseStats {
    /** Opcodes at or above this are counted together under the last slot. */
    private static final int SLOTS = 64;

    private final AtomicLongArray requests = new AtomicLongArray(SLOTS);
    private final AtomicLongArray nanos = new AtomicLongArray(SLOTS);

    FuseStats() {}

    /**
     * One opcode's totals.
     *
     * @param op the kernel's name of the opcode without the FUSE_ prefix, e.g. {@code LOOKUP}
     * @param requests how many requests of it were served
     * @param nanos the time their handlers took, in nanoseconds
     */
    public record OpStats(String op, long requests, long nanos) {}

    void record(int opcode, long elapsedNanos) {
        int slot = Math.clamp(opcode, 0, SLOTS - 1);
        requests.incrementAndGet(slot);
        nanos.addAndGet(slot, elapsedNanos);
    }

    /** The totals of every opcode served at least once, by opcode number. */
    public List<OpStats> snapshot() {
        List<OpStats> out = new ArrayList<>();
        for (int slot = 0; slot < SLOTS; slot++) {
            long n = requests.get(slot);
            if (n > 0) out.add(new OpStats(Opcode.name(slot), n, nanos.get(slot)));
        }
        return List.copyOf(out);
    }
}
