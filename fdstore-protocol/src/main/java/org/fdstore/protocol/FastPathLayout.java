package org.fdstore.protocol;

/**
 * The layout of the fast-path index, the memfd a FASTPATH reply carries (docs/protocol.md, "Fast-path restore").
 * Integers are in the machine's byte order (little-endian on x86_64), because both sides share the memory.
 *
 * <p>A 64-byte header, then {@code slot count} slots of 32 bytes; slot {@code i} describes the entry with id
 * {@code i} (slot 0 is never used). Constants only; thread safe.
 */
public final class FastPathLayout {
    /** The header's magic, the bytes {@code F D F P}. */
    public static final int MAGIC = 0x50464446;
    /** The version of this layout. */
    public static final int VERSION = 1;
    /** Bytes before slot 0. */
    public static final int HEADER_SIZE = 64;
    /** Bytes per slot. */
    public static final int SLOT_SIZE = 32;
    /** Header: u32 magic. */
    public static final int OFFSET_MAGIC = 0;
    /** Header: u32 layout version. */
    public static final int OFFSET_VERSION = 4;
    /** Header: u32 slot size. */
    public static final int OFFSET_SLOT_SIZE = 8;
    /** Header: u32 slot count, slot 0 included. */
    public static final int OFFSET_SLOT_COUNT = 12;
    /** Header: u64 state, 0 while the daemon serves the index, 1 once it retired it. */
    public static final int OFFSET_STATE = 16;
    /** Slot: u64 sequence, odd while the daemon changes the slot, raised by 2 with each change, never reused. */
    public static final int SLOT_SEQUENCE = 0;
    /** Slot: u64 entry id, 0 when the slot holds no entry. */
    public static final int SLOT_ID = 8;
    /** Slot: i32 the daemon's descriptor number of the entry, -1 when none. */
    public static final int SLOT_FD = 16;

    private FastPathLayout() {}

    /** Byte offset of slot {@code i}. */
    public static long slot(long i) {
        return HEADER_SIZE + i * SLOT_SIZE;
    }

    /** Bytes of an index with {@code slotCount} slots. */
    public static long size(long slotCount) {
        return HEADER_SIZE + slotCount * SLOT_SIZE;
    }
}
