package org.fdstore.protocol;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A request from a client to the daemon: one record per request type of protocol version 1, and {@link Unknown}
 * for a well-formed frame of any other type.
 *
 * <p>Records hold wire values and check only what Java needs (no nulls). Names are not checked against
 * {@link Names}: an invalid name is well-formed and is refused by the daemon with EINVAL. Limits are checked by
 * {@link RequestCodec}. Implementations are immutable and thread safe.
 */
public sealed interface Request {

    /**
     * The message type.
     *
     * @throws UnsupportedOperationException for {@link Unknown}, which has no {@link MessageType}; use
     *     {@link #code()}
     */
    MessageType type();

    /** The type byte of the frame, for every request including {@link Unknown}. */
    default int code() {
        return type().code();
    }

    /** How many fds a frame of this request must carry: 1 for SAVE, one per item for SAVE_MANY, 0 for the others. */
    default int fdCount() {
        return 0;
    }

    /**
     * Version and feature negotiation, the first frame of a connection.
     *
     * @param minVersion lowest version the client speaks, a u16
     * @param maxVersion highest version the client speaks, a u16
     * @param features optional capabilities the client wants; version 1 defines none
     * @param client the client's name, for the daemon's logs; at most 255 bytes of UTF-8
     */
    record Hello(int minVersion, int maxVersion, long features, String client) implements Request {
        /**
         * Checks the components.
         *
         * @throws NullPointerException if {@code client} is null
         */
        public Hello {
            Objects.requireNonNull(client, "client");
        }

        @Override
        public MessageType type() {
            return MessageType.HELLO;
        }
    }

    /**
     * Store the one fd that travels with this frame. The metadata array is copied in and out; equality compares
     * it by content.
     *
     * @param name the entry's name, {@code namespace/name} or a bare name in {@code namespace}; {@code ""} for an
     *     unnamed entry
     * @param metadata up to 64 KiB the store keeps with the fd, opaque to it
     * @param namespace where the entry lives: {@code ""} for the namespace of a qualified name, else the peer's
     *     default namespace; a qualified name and a different namespace are refused (EINVAL)
     * @param lifetime how long the entry lives
     */
    record Save(String name, byte[] metadata, String namespace, Lifetime lifetime) implements Request {
        /**
         * Copies the metadata.
         *
         * @throws NullPointerException if an argument is null
         */
        public Save {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(lifetime, "lifetime");
            metadata = metadata.clone();
        }

        /**
         * An entry in the default namespace (or a qualified name's), living until removed.
         *
         * @throws NullPointerException if an argument is null
         */
        public Save(String name, byte[] metadata) {
            this(name, metadata, "", Lifetime.DEFAULT);
        }

        /** A copy of the metadata. */
        @Override
        public byte[] metadata() {
            return metadata.clone();
        }

        /** The metadata itself, for the codec, which only reads it. */
        byte[] metadataUnshared() {
            return metadata;
        }

        @Override
        public MessageType type() {
            return MessageType.SAVE;
        }

        /** Always 1: the fd to store. */
        @Override
        public int fdCount() {
            return 1;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Save s && name.equals(s.name) && Arrays.equals(metadata, s.metadata)
                    && namespace.equals(s.namespace) && lifetime.equals(s.lifetime);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, namespace, lifetime) * 31 + Arrays.hashCode(metadata);
        }

        @Override
        public String toString() {
            return "Save[name=" + Quote.of(name) + ", metadata=" + EntryInfo.describeBytes(metadata)
                    + ", namespace=" + Quote.of(namespace) + ", lifetime=" + lifetime + "]";
        }
    }

    /**
     * Get a duplicate of a stored fd; the entry stays.
     *
     * @param selector which entry
     */
    record Restore(Selector selector) implements Request {
        /**
         * Checks the components.
         *
         * @throws NullPointerException if {@code selector} is null
         */
        public Restore {
            Objects.requireNonNull(selector, "selector");
        }

        @Override
        public MessageType type() {
            return MessageType.RESTORE;
        }
    }

    /**
     * Drop an entry and close its fd.
     *
     * @param selector which entry
     */
    record Remove(Selector selector) implements Request {
        /**
         * Checks the components.
         *
         * @throws NullPointerException if {@code selector} is null
         */
        public Remove {
            Objects.requireNonNull(selector, "selector");
        }

        @Override
        public MessageType type() {
            return MessageType.REMOVE;
        }
    }

    /**
     * Get a stored fd and remove its entry in one step.
     *
     * @param selector which entry
     */
    record Take(Selector selector) implements Request {
        /**
         * Checks the components.
         *
         * @throws NullPointerException if {@code selector} is null
         */
        public Take {
            Objects.requireNonNull(selector, "selector");
        }

        @Override
        public MessageType type() {
            return MessageType.TAKE;
        }
    }

    /** Describe every entry. Named so as not to hide {@link java.util.List}. */
    record ListEntries() implements Request {
        @Override
        public MessageType type() {
            return MessageType.LIST;
        }
    }

    /** Describe every entry the peer may inspect, with what its fd pins and how long it lives. */
    record Inspect() implements Request {
        @Override
        public MessageType type() {
            return MessageType.INSPECT;
        }
    }

    /**
     * Close every entry that {@code target} matches and the peer may drop; the reply says how many.
     *
     * @param target which entries
     */
    record Drop(DropTarget target) implements Request {
        /**
         * Checks the components.
         *
         * @throws NullPointerException if {@code target} is null
         */
        public Drop {
            Objects.requireNonNull(target, "target");
        }

        @Override
        public MessageType type() {
            return MessageType.DROP;
        }
    }

    /** Describe the daemon (see {@link DaemonStatus}). */
    record Status() implements Request {
        @Override
        public MessageType type() {
            return MessageType.STATUS;
        }
    }

    /** Read the daemon's metrics (see {@link Reply.Metrics}). */
    record Metrics() implements Request {
        @Override
        public MessageType type() {
            return MessageType.METRICS;
        }
    }

    /**
     * Replace the lines this connection publishes on the daemon's metrics; they last until the next publish or the
     * connection's end. The daemon checks them (docs/protocol.md) and refuses a bad text whole.
     *
     * @param text sample lines {@code name{labels} value}, each ending in a newline; empty to publish none
     */
    record PublishMetrics(String text) implements Request {
        /** The most UTF-8 bytes of text a publish carries. */
        public static final int MAX_TEXT_BYTES = 65536;

        /**
         * Checks the components.
         *
         * @throws NullPointerException if {@code text} is null
         */
        public PublishMetrics {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public MessageType type() {
            return MessageType.PUBLISH_METRICS;
        }
    }

    /**
     * One frame of a SAVE_MANY request: up to 253 entries to store, each with the fd at the same position in the
     * frame's SCM_RIGHTS. A batch larger than one frame is sent as several frames with the same request id, every one
     * but the last with {@code CONTINUES}; the daemon stores the whole batch or nothing.
     *
     * @param items the entries of this frame, each as a SAVE would describe it; copied into an unmodifiable list
     */
    record SaveMany(List<Save> items) implements Request {
        /**
         * Copies the items.
         *
         * @throws NullPointerException if {@code items} or one of them is null
         * @throws IllegalArgumentException with more than 253 items
         */
        public SaveMany {
            items = List.copyOf(items);
            if (items.size() > Limits.MAX_FDS_PER_FRAME) {
                throw new IllegalArgumentException(items.size() + " items exceed " + Limits.MAX_FDS_PER_FRAME
                        + " per frame; split the batch with RequestCodec.chunkSaveMany");
            }
        }

        @Override
        public MessageType type() {
            return MessageType.SAVE_MANY;
        }

        /** One fd per item. */
        @Override
        public int fdCount() {
            return items.size();
        }
    }

    /**
     * A RESTORE_MANY request for every entry of a namespace that the peer may restore; always one frame.
     *
     * @param namespace the namespace; {@code ""} for the peer's default one
     * @param bare whether to ask for bare entries, id and name ({@link Limits#FLAG_BARE}), rather than whole ones
     */
    record RestoreNamespace(String namespace, boolean bare) implements Request {
        /**
         * Checks the components.
         *
         * @throws NullPointerException if {@code namespace} is null
         */
        public RestoreNamespace {
            Objects.requireNonNull(namespace, "namespace");
        }

        /** A request for whole entries. */
        public RestoreNamespace(String namespace) {
            this(namespace, false);
        }

        @Override
        public MessageType type() {
            return MessageType.RESTORE_MANY;
        }
    }

    /**
     * One frame of a RESTORE_MANY request for a list of entries. A list larger than a frame is sent as several
     * frames with the same request id, every one but the last with {@code CONTINUES}.
     *
     * @param selectors the entries of this frame, in the order the reply follows; copied into an unmodifiable list
     * @param bare whether to ask for bare entries, id and name ({@link Limits#FLAG_BARE}), rather than whole ones; the
     *     same in every frame of the request
     */
    record RestoreSelected(List<Selector> selectors, boolean bare) implements Request {
        /**
         * Copies the selectors.
         *
         * @throws NullPointerException if {@code selectors} or one of them is null
         */
        public RestoreSelected {
            selectors = List.copyOf(selectors);
        }

        /** A frame of a request for whole entries. */
        public RestoreSelected(List<Selector> selectors) {
            this(selectors, false);
        }

        @Override
        public MessageType type() {
            return MessageType.RESTORE_MANY;
        }
    }

    /** Ask for the fast-path restore index (FASTPATH). */
    record FastPath() implements Request {
        @Override
        public MessageType type() {
            return MessageType.FASTPATH;
        }
    }

    /**
     * A well-formed frame of a type version 1 does not define; its body was skipped. The daemon answers ENOSYS.
     * Encoding one writes an empty body, which lets tests provoke that answer.
     *
     * @param code the frame's type byte
     */
    record Unknown(int code) implements Request {
        /**
         * Checks the components.
         *
         * @throws IllegalArgumentException if {@code code} is not a byte
         */
        public Unknown {
            if (code < 0 || code > 0xFF) throw new IllegalArgumentException("type " + code + " is not a byte");
        }

        /**
         * Checks the components.
         *
         * @throws UnsupportedOperationException always: this type is not one of ours
         */
        @Override
        public MessageType type() {
            throw new UnsupportedOperationException(
                    String.format("type 0x%02x is not a message type of version %d", code, Limits.VERSION));
        }
    }
}
