package org.fdstore.linux;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A file handle of {@code struct file_handle} ({@code <fcntl.h>}): an opaque name of an inode that the file system
 * itself gives out, valid across processes and for as long as the inode exists. {@link FileHandles#name_to_handle_at}
 * makes one and {@link FileHandles#open_by_handle_at} opens it again.
 *
 * <p>Immutable and thread safe: the bytes are copied in and out.
 *
 * @param type  {@code handle_type}, which the file system chose
 * @param bytes {@code f_handle}, at most {@link FileHandles#MAX_HANDLE_SZ} bytes
 */
public record FileHandle(int type, byte[] bytes) {
    /** @throws IllegalArgumentException if {@code bytes} is longer than {@link FileHandles#MAX_HANDLE_SZ} */
    public FileHandle {
        if (bytes.length > FileHandles.MAX_HANDLE_SZ) {
            throw new IllegalArgumentException("a file handle holds at most " + FileHandles.MAX_HANDLE_SZ
                    + " bytes, not " + bytes.length);
        }
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** {@code handle_bytes}. */
    public int length() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FileHandle h && h.type == type && Arrays.equals(h.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return 31 * type + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "file handle type " + type + " " + HexFormat.of().formatHex(bytes);
    }
}
