package org.fdstore.protocol;

import java.util.Objects;

/**
 * Which entries a DROP closes: those pinning a mount, those saved by a uid, those of a namespace, or one by id.
 *
 * <p>On the wire: {@code u8} tag, then {@code 1} mount: {@code string} absolute path (at most 4096 bytes);
 * {@code 2} uid: {@code u32}; {@code 3} namespace: {@code string}; {@code 4} id: {@code u64}. Any other tag is a
 * malformed frame. Implementations are immutable records and thread safe.
 */
public sealed interface DropTarget {
    /** {@code mount /mnt/data}, {@code uid 1000}, {@code namespace "app"} or {@code id 7}, for messages. */
    String describe();

    /** The wire tag. */
    int tag();

    /**
     * Entries whose fd was opened through the mount at {@code path} or a mount below it, in the daemon's mount
     * namespace.
     *
     * @param path an absolute path; the daemon refuses a relative one or one that is no mount point (EINVAL)
     */
    record Mount(String path) implements DropTarget {
        /** @throws NullPointerException if {@code path} is null */
        public Mount {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String describe() {
            return "mount " + Quote.of(path);
        }

        @Override
        public int tag() {
            return 1;
        }
    }

    /**
     * Entries saved by processes of this uid.
     *
     * @param uid a u32, bit for bit
     */
    record Uid(int uid) implements DropTarget {
        @Override
        public String describe() {
            return "uid " + Integer.toUnsignedString(uid);
        }

        @Override
        public int tag() {
            return 2;
        }
    }

    /**
     * The entries of one namespace.
     *
     * @param namespace the namespace, exactly
     */
    record Namespace(String namespace) implements DropTarget {
        /** @throws NullPointerException if {@code namespace} is null */
        public Namespace {
            Objects.requireNonNull(namespace, "namespace");
        }

        @Override
        public String describe() {
            return "namespace " + Quote.of(namespace);
        }

        @Override
        public int tag() {
            return 3;
        }
    }

    /**
     * One entry by id.
     *
     * @param id a u64, bit for bit
     */
    record Id(long id) implements DropTarget {
        @Override
        public String describe() {
            return "id " + Long.toUnsignedString(id);
        }

        @Override
        public int tag() {
            return 4;
        }
    }
}
