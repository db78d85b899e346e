package org.fdstore.passthrough;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Memfd;
import org.fdstore.linux.Mman;
import org.fdstore.linux.Unistd;

/**
 * A mount's mutable state in shared memory: a memfd kept in the fd store and mapped by whichever process serves the
 * mount. Lookup counts change on every LOOKUP and FORGET; keeping them here costs a memory write instead of a round
 * trip to the store, and they survive a kill -9 of the server because the memfd outlives it.
 *
 * <p>Layout (little-endian, version 1): a 4096-byte header, then one 32-byte slot per node id (slot 0 unused):
 * generation u64, lookups u64, dev u64, ino u64. A slot with generation 0 was never used; a free slot has lookups 0.
 *
 * <p>Thread safe for single fields (aligned 64-bit accesses); callers serialise compound updates.
 */
final class StateFile implements AutoCloseable {
    static final int SLOTS = 65536;
    private static final long MAGIC = 0x3174617473737066L;  // "fpsstat1"
    private static final long HEADER = 4096;
    private static final long SLOT = 32;
    private static final long SIZE = HEADER + SLOT * SLOTS;
    private static final long H_MAGIC = 0;
    private static final long H_SERVING_PID = 8;
    private static final long H_STANDBY_PID = 12;
    private static final long H_FAILOVERS = 16;
    private static final long H_UPGRADES = 24;
    private static final long H_LIFECYCLE = 32;
    private static final long H_HANDOFF = 36;
    private static final long H_UPGRADER_PID = 48;
    private static final long H_LAST_TAKEOVER = 40;
    private static final long H_SOURCE = 1024;
    private static final long H_MOUNTPOINT = 2560;
    private static final int PATH_BYTES = 1536;

    /** Serving normally. */
    public static final int SERVING = 1;
    /** Unmounted on purpose: a standby must not take over. */
    public static final int UNMOUNTED = 2;

    private static final java.lang.invoke.VarHandle INT_HANDLE = JAVA_INT.varHandle();

    private final Fd fd;
    private final Mman.Mapping mapping;
    private final MemorySegment memory;

    private StateFile(Fd fd, Mman.Mapping mapping) {
        this.fd = fd;
        this.mapping = mapping;
        this.memory = mapping.segment();
    }

    /** A new state file for a mount of {@code source} on {@code mountpoint}. */
    public static StateFile create(String source, String mountpoint) throws LinuxException {
        Fd fd = Memfd.memfdCreate("fdstore-fs-state");
        try {
            Unistd.ftruncate(fd, SIZE);
            StateFile state = new StateFile(fd, Mman.mmapShared(fd, SIZE, true));
            state.putString(H_SOURCE, source);
            state.putString(H_MOUNTPOINT, mountpoint);
            state.memory.set(JAVA_INT, H_LIFECYCLE, SERVING);
            state.memory.set(JAVA_LONG, H_MAGIC, MAGIC);
            return state;
        } catch (LinuxException | RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /** Maps a state file restored from the store; takes ownership of {@code fd}. */
    public static StateFile open(Fd fd) throws LinuxException {
        StateFile state = new StateFile(fd, Mman.mmapShared(fd, SIZE, true));
        if (state.memory.get(JAVA_LONG, H_MAGIC) != MAGIC) {
            state.close();
            throw new IllegalStateException("not an fdstore fs state file (bad magic)");
        }
        return state;
    }

    /** The memfd, to save in the store. Owned by this object. */
    public Fd fd() {
        return fd;
    }

    public String source() {
        return getString(H_SOURCE);
    }

    public String mountpoint() {
        return getString(H_MOUNTPOINT);
    }

    public int servingPid() {
        return memory.get(JAVA_INT, H_SERVING_PID);
    }

    public void servingPid(int pid) {
        memory.set(JAVA_INT, H_SERVING_PID, pid);
    }

    /** Registers {@code pid} as the standby if there is none: of two standbys, exactly one registers. */
    public boolean claimStandby(int pid) {
        return (boolean) INT_HANDLE.compareAndSet(memory, H_STANDBY_PID, 0, pid);
    }

    /**
     * Atomically replaces the serving pid if it is still {@code expected}: of two processes racing to take over,
     * exactly one wins. The memory is shared between processes, and the CAS is a locked instruction on it.
     */
    public boolean claimServing(int expected, int pid) {
        return (boolean) INT_HANDLE.compareAndSet(memory, H_SERVING_PID, expected, pid);
    }

    public int standbyPid() {
        return memory.get(JAVA_INT, H_STANDBY_PID);
    }

    public void standbyPid(int pid) {
        memory.set(JAVA_INT, H_STANDBY_PID, pid);
    }

    public long failovers() {
        return memory.get(JAVA_LONG, H_FAILOVERS);
    }

    public long upgrades() {
        return memory.get(JAVA_LONG, H_UPGRADES);
    }

    /** Counts a takeover and stamps its time. */
    public void countTakeover(boolean upgrade, long nowMillis) {
        long at = upgrade ? H_UPGRADES : H_FAILOVERS;
        memory.set(JAVA_LONG, at, memory.get(JAVA_LONG, at) + 1);
        memory.set(JAVA_LONG, H_LAST_TAKEOVER, nowMillis);
    }

    public long lastTakeoverMillis() {
        return memory.get(JAVA_LONG, H_LAST_TAKEOVER);
    }

    public int lifecycle() {
        return memory.get(JAVA_INT, H_LIFECYCLE);
    }

    public void lifecycle(int value) {
        memory.set(JAVA_INT, H_LIFECYCLE, value);
    }

    /** Set by a server that hands the mount over on purpose (an upgrade), so the successor counts an upgrade. */
    public boolean handoff() {
        return memory.get(JAVA_INT, H_HANDOFF) != 0;
    }

    public void handoff(boolean value) {
        memory.set(JAVA_INT, H_HANDOFF, value ? 1 : 0);
    }

    /** The pid of a running {@code fdstore fs upgrade}, or 0: while it runs, servers start no standby of their own. */
    public int upgraderPid() {
        return memory.get(JAVA_INT, H_UPGRADER_PID);
    }

    public void upgraderPid(int pid) {
        memory.set(JAVA_INT, H_UPGRADER_PID, pid);
    }

    long generation(long nodeid) {
        return memory.get(JAVA_LONG, slot(nodeid));
    }

    long lookups(long nodeid) {
        return memory.get(JAVA_LONG, slot(nodeid) + 8);
    }

    long dev(long nodeid) {
        return memory.get(JAVA_LONG, slot(nodeid) + 16);
    }

    long ino(long nodeid) {
        return memory.get(JAVA_LONG, slot(nodeid) + 24);
    }

    /** Starts a new life of slot {@code nodeid}: generation + 1, lookups 0, the new identity. */
    long occupy(long nodeid, long dev, long ino) {
        long at = slot(nodeid);
        long generation = memory.get(JAVA_LONG, at) + 1;
        memory.set(JAVA_LONG, at + 16, dev);
        memory.set(JAVA_LONG, at + 24, ino);
        memory.set(JAVA_LONG, at + 8, 0L);
        memory.set(JAVA_LONG, at, generation);
        return generation;
    }

    void lookups(long nodeid, long count) {
        memory.set(JAVA_LONG, slot(nodeid) + 8, count);
    }

    private static long slot(long nodeid) {
        if (nodeid < 1 || nodeid >= SLOTS) throw new IllegalArgumentException("node id " + nodeid + " out of range");
        return HEADER + SLOT * nodeid;
    }

    private void putString(long at, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= PATH_BYTES) throw new IllegalArgumentException("path longer than " + PATH_BYTES + " bytes");
        memory.set(JAVA_INT, at, bytes.length);
        MemorySegment.copy(bytes, 0, memory, java.lang.foreign.ValueLayout.JAVA_BYTE, at + 4, bytes.length);
    }

    private String getString(long at) {
        int length = memory.get(JAVA_INT, at);
        return new String(memory.asSlice(at + 4, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        mapping.close();
        fd.close();
    }
}
