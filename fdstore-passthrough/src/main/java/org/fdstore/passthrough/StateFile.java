package org.fdstore.passthrough;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FileHandle;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Memfd;
import org.fdstore.linux.Mman;
import org.fdstore.linux.Stat;
import org.fdstore.linux.Unistd;

/**
 * A mount's mutable state in shared memory: a memfd kept in the fd store and mapped by whichever process serves the
 * mount. Lookup counts change on every LOOKUP and FORGET; keeping them here costs a memory write instead of a round
 * trip to the store, and they survive a kill -9 of the server because the memfd outlives it.
 *
 * <p>Layout (little-endian, version 2): a 4096-byte header, then one 128-byte slot per node id (slot 0 unused):
 * generation u64, lookups u64, dev u64, ino u64, handle_type i32, handle_bytes u32, f_handle (up to 88 bytes). A
 * slot with generation 0 was never used; a free slot has lookups 0. A slot with handle_bytes 0 names an inode held
 * by an O_PATH fd, kept in the store; any other names it by its file handle, so a successor rebuilds the inode from
 * the slot alone. The header counts the highest node id ever used, so that a scan stops there.
 *
 * <p>Size: {@link #SLOTS} slots make a 2 GiB file, sparse: a memfd costs memory only for the pages written, 4 KiB
 * per 32 node ids in use, and a scan never reads past the highest node id used.
 *
 * <p>Thread safe for single fields (aligned 64-bit accesses); callers serialise compound updates.
 */
final class StateFile implements AutoCloseable {
    static final int SLOTS = 1 << 24;
    /** The longest file handle a slot holds; an inode with a longer one is held by an fd. */
    static final int HANDLE_BYTES = 88;
    /** The layout this build reads and writes; version 1 (before file handles) had no version field. */
    static final int VERSION = 2;
    private static final long MAGIC = 0x3174617473737066L;  // "fpsstat1"
    private static final long HEADER = 4096;
    private static final long SLOT = 128;
    private static final long S_HANDLE_TYPE = 32;
    private static final long S_HANDLE_BYTES = 36;
    private static final long S_HANDLE = 40;
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
    private static final long H_VERSION = 52;
    private static final long H_HIGHEST_NODEID = 56;
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
            state.memory.set(JAVA_INT, H_VERSION, VERSION);
            state.memory.set(JAVA_LONG, H_MAGIC, MAGIC);
            return state;
        } catch (LinuxException | RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    /**
     * Maps a state file restored from the store; takes ownership of {@code fd}.
     *
     * @throws IllegalStateException if it is no state file, or one of a layout this build does not read (a mount
     *                               made by another version of fdstore)
     */
    public static StateFile open(Fd fd) throws LinuxException {
        long size = Stat.fstat(fd).size();
        if (size < HEADER) {
            fd.close();
            throw new IllegalStateException("not an fdstore fs state file (" + size + " bytes)");
        }
        StateFile state = new StateFile(fd, Mman.mmapShared(fd, HEADER, true));
        if (state.memory.get(JAVA_LONG, H_MAGIC) != MAGIC) {
            state.close();
            throw new IllegalStateException("not an fdstore fs state file (bad magic)");
        }
        int version = state.memory.get(JAVA_INT, H_VERSION);
        if (version != VERSION || size != SIZE) {
            state.close();
            throw new IllegalStateException("the mount's state file has layout version " + Math.max(version, 1)
                    + " and this fdstore reads version " + VERSION + ": the mount was made by another fdstore version;"
                    + " serve it with that version, or unmount it (fdstore fs umount) and mount it again");
        }
        state.close(false);
        return new StateFile(fd, Mman.mmapShared(fd, SIZE, true));
    }

    /**
     * Maps only the header of a state file of any layout version, whose header fields (pids, lifecycle, flags) every
     * version shares: enough to unmount a mount that another fdstore version serves. The node slots are not mapped;
     * reading one throws. Takes ownership of {@code fd}.
     *
     * @throws IllegalStateException if it is no state file
     */
    public static StateFile openHeader(Fd fd) throws LinuxException {
        StateFile state = new StateFile(fd, Mman.mmapShared(fd, HEADER, true));
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

    /** The file handle of slot {@code nodeid}, or null if its inode is held by an fd. */
    FileHandle handle(long nodeid) {
        long at = slot(nodeid);
        int length = memory.get(JAVA_INT, at + S_HANDLE_BYTES);
        if (length == 0) return null;
        return new FileHandle(memory.get(JAVA_INT, at + S_HANDLE_TYPE),
                memory.asSlice(at + S_HANDLE, length).toArray(JAVA_BYTE));
    }

    /** The highest node id ever occupied: slots above it were never written. */
    long highestNodeid() {
        return memory.get(JAVA_LONG, H_HIGHEST_NODEID);
    }

    /** How many node ids the kernel holds (lookups above 0); scans the slots in use. */
    long heldNodes() {
        long held = 0;
        for (long nodeid = 1; nodeid <= highestNodeid(); nodeid++) {
            if (lookups(nodeid) > 0) held++;
        }
        return held;
    }

    /**
     * Starts a new life of slot {@code nodeid}: generation + 1, lookups 0, the new identity, and its file handle
     * ({@code null} for an inode held by an fd; a handle must fit {@link #HANDLE_BYTES}).
     */
    long occupy(long nodeid, long dev, long ino, FileHandle handle) {
        long at = slot(nodeid);
        long generation = memory.get(JAVA_LONG, at) + 1;
        memory.set(JAVA_LONG, at + 16, dev);
        memory.set(JAVA_LONG, at + 24, ino);
        memory.set(JAVA_LONG, at + 8, 0L);
        int length = handle == null ? 0 : handle.length();
        if (length > HANDLE_BYTES) throw new IllegalArgumentException(handle + " is longer than a slot holds");
        if (handle != null) {
            memory.set(JAVA_INT, at + S_HANDLE_TYPE, handle.type());
            MemorySegment.copy(handle.bytes(), 0, memory, JAVA_BYTE, at + S_HANDLE, length);
        }
        memory.set(JAVA_INT, at + S_HANDLE_BYTES, length);
        memory.set(JAVA_LONG, at, generation);
        if (nodeid > highestNodeid()) memory.set(JAVA_LONG, H_HIGHEST_NODEID, nodeid);
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
        MemorySegment.copy(bytes, 0, memory, JAVA_BYTE, at + 4, bytes.length);
    }

    private String getString(long at) {
        int length = memory.get(JAVA_INT, at);
        return new String(memory.asSlice(at + 4, length).toArray(JAVA_BYTE),
                StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        close(true);
    }

    private void close(boolean closeFd) {
        mapping.close();
        if (closeFd) fd.close();
    }
}
