package org.fdstore.protocol;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.fdstore.linux.Errno;

/**
 * A reply from the daemon: the payload of one reply frame, success or {@link Failure}.
 *
 * <p>Which request a reply answers is in its frame header, not here: {@link Restored} answers both RESTORE and
 * TAKE. Implementations are immutable and thread safe.
 */
public sealed interface Reply {

    /**
     * How many fds a frame of this reply carries: 1 for {@link Restored} and {@link FastPathIndex}, one per entry for
     * {@link RestoredMany} and {@link RestoredBare}, 0 for the others.
     */
    default int fdCount() {
        return 0;
    }

    /**
     * The daemon's answer to HELLO: the agreed version and features, and its limits.
     *
     * @param version the agreed version, a u16
     * @param features the features both sides have
     * @param daemonPid the daemon's pid
     * @param maxFrame largest frame, header included, a u32
     * @param maxName largest entry name in bytes, a u16
     * @param maxMetadata largest metadata blob, a u32
     * @param maxFdsPerFrame most fds in one frame, a u16
     * @param namespace the peer's default namespace, where its unqualified names live; {@code ""} from a daemon
     *     older than namespaces
     */
    record Welcome(int version, long features, int daemonPid, int maxFrame, int maxName, int maxMetadata,
            int maxFdsPerFrame, String namespace) implements Reply {
        /**
         * Checks the components.
         *
         * @throws NullPointerException if {@code namespace} is null
         */
        public Welcome {
            Objects.requireNonNull(namespace, "namespace");
        }

        /** A welcome without a default namespace, as before namespaces existed. */
        public Welcome(int version, long features, int daemonPid, int maxFrame, int maxName, int maxMetadata,
                int maxFdsPerFrame) {
            this(version, features, daemonPid, maxFrame, maxName, maxMetadata, maxFdsPerFrame, "");
        }
    }

    /**
     * SAVE succeeded.
     *
     * @param id the new entry's id
     */
    record Saved(long id) implements Reply {}

    /**
     * RESTORE or TAKE succeeded; the frame carries the fd.
     *
     * @param entry the entry, as it was when the fd was sent
     */
    record Restored(EntryInfo entry) implements Reply {
        /**
         * Checks the components.
         *
         * @throws NullPointerException if {@code entry} is null
         */
        public Restored {
            Objects.requireNonNull(entry, "entry");
        }

        /** Always 1: the restored fd. */
        @Override
        public int fdCount() {
            return 1;
        }
    }

    /**
     * REMOVE succeeded.
     *
     * @param id the removed entry's id
     */
    record Removed(long id) implements Reply {}

    /**
     * One frame of a LIST reply; more may follow if its header has {@code CONTINUES}.
     *
     * @param entries the entries of this frame, copied into an unmodifiable list
     */
    record Listed(List<EntryInfo> entries) implements Reply {
        /**
         * Copies the entries.
         *
         * @throws NullPointerException if {@code entries} or one of them is null
         */
        public Listed {
            entries = List.copyOf(entries);
        }
    }

    /**
     * One frame of an INSPECT reply; more may follow if its header has {@code CONTINUES}.
     *
     * @param entries the entries of this frame, copied into an unmodifiable list
     */
    record Inspected(List<InspectInfo> entries) implements Reply {
        /**
         * Copies the entries.
         *
         * @throws NullPointerException if {@code entries} or one of them is null
         */
        public Inspected {
            entries = List.copyOf(entries);
        }
    }

    /**
     * DROP succeeded.
     *
     * @param count how many entries it closed, a u32
     */
    record Dropped(int count) implements Reply {}

    /**
     * One frame of a SAVE_MANY reply: the new ids, in the order of the request's items; more may follow if its
     * header has {@code CONTINUES}.
     *
     * @param ids the ids of this frame, copied into an unmodifiable list
     */
    record SavedMany(List<Long> ids) implements Reply {
        /**
         * Copies the ids.
         *
         * @throws NullPointerException if {@code ids} or one of them is null
         */
        public SavedMany {
            ids = List.copyOf(ids);
        }
    }

    /**
     * One frame of a RESTORE_MANY reply: up to 253 entries, each with the fd at the same position in the frame's
     * SCM_RIGHTS; more frames may follow if its header has {@code CONTINUES}.
     *
     * @param entries the entries of this frame, copied into an unmodifiable list
     */
    record RestoredMany(List<EntryInfo> entries) implements Reply {
        /**
         * Copies the entries.
         *
         * @throws NullPointerException if {@code entries} or one of them is null
         * @throws IllegalArgumentException with more than 253 entries
         */
        public RestoredMany {
            entries = oneFrameOf(entries);
        }

        /** One fd per entry. */
        @Override
        public int fdCount() {
            return entries.size();
        }
    }

    /**
     * One frame of a bare RESTORE_MANY reply ({@link Limits#FLAG_BARE}): up to 253 entries by id and name, each with
     * the fd at the same position in the frame's SCM_RIGHTS; more frames may follow if its header has
     * {@code CONTINUES}.
     *
     * @param entries the entries of this frame, copied into an unmodifiable list
     */
    record RestoredBare(List<BareEntry> entries) implements Reply {
        /**
         * Copies the entries.
         *
         * @throws NullPointerException if {@code entries} or one of them is null
         * @throws IllegalArgumentException with more than 253 entries
         */
        public RestoredBare {
            entries = oneFrameOf(entries);
        }

        /** One fd per entry. */
        @Override
        public int fdCount() {
            return entries.size();
        }
    }

    /**
     * FASTPATH succeeded; the frame carries a read-only descriptor of the daemon's fast-path index (a memfd, layout
     * in docs/protocol.md).
     *
     * @param daemonPid the daemon's pid, to open a pidfd of
     * @param indexFd the daemon's own descriptor number of the index, so that a client can check that its pidfd
     *     names the daemon (pidfd_getfd of this number gives the same inode as the descriptor received)
     */
    record FastPathIndex(int daemonPid, int indexFd) implements Reply {
        /** Always 1: the index. */
        @Override
        public int fdCount() {
            return 1;
        }
    }

    /**
     * The request was refused, or (with reply type {@code 0xFF}) its frame could not be read.
     *
     * @param errno a positive Linux errno, x86_64 numbering; kept as an int so that numbers {@link Errno} does not
     *     list survive
     * @param message a sentence naming the object, e.g. {@code no entry with id 7}
     */
    record Failure(int errno, String message) implements Reply {
        /**
         * Checks the components.
         *
         * @throws IllegalArgumentException if {@code errno} is not positive
         * @throws NullPointerException if {@code message} is null
         */
        public Failure {
            if (errno <= 0) throw new IllegalArgumentException("a failure's errno must be positive, not " + errno);
            Objects.requireNonNull(message, "message");
        }

        /**
         * A failure with a known errno.
         *
         * @throws IllegalArgumentException if {@code errno} is {@link Errno#UNKNOWN}
         */
        public static Failure of(Errno errno, String message) {
            return new Failure(errno.number(), message);
        }

        /** The errno as an enum, or {@link Errno#UNKNOWN} for a number it does not list. */
        public Errno errnoName() {
            return Errno.of(errno);
        }
    }

    /**
     * METRICS succeeded: one piece of the Prometheus text (format 0.0.4), whole lines. A text longer than
     * {@link #MAX_TEXT_BYTES} comes in several frames, every one but the last with {@code CONTINUES}; the text is
     * their pieces joined in order.
     *
     * @param text whole lines of the exposition, each ending in a newline
     */
    record Metrics(String text) implements Reply {
        /** The most UTF-8 bytes of text one frame carries: a frame's room less its header and fixed fields. */
        public static final int MAX_TEXT_BYTES = Limits.MAX_FRAME - 64;

        /**
         * Checks the components.
         *
         * @throws NullPointerException if {@code text} is null
         */
        public Metrics {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * PUBLISH_METRICS succeeded.
     *
     * @param series how many sample lines the daemon now shows for this connection
     */
    record Published(int series) implements Reply {}

    /**
     * STATUS succeeded.
     *
     * @param status what the daemon says about itself
     */
    record Reported(DaemonStatus status) implements Reply {
        /**
         * Checks the components.
         *
         * @throws NullPointerException if {@code status} is null
         */
        public Reported {
            Objects.requireNonNull(status, "status");
        }
    }

    /**
     * GOAWAY: an unsolicited frame (type {@code 0xFF}, request id 0) that the daemon sends before it closes a
     * connection on purpose. Every request it read from the connection has been answered before; a request without
     * a reply was never carried out, so a client may send it again on a new connection.
     *
     * @param reason why the connection closes
     * @param message a sentence for logs, e.g. {@code daemon 4242 hands over to its successor}
     */
    record GoAway(Reason reason, String message) implements Reply {
        /**
         * Checks the components.
         *
         * @throws NullPointerException if an argument is null
         */
        public GoAway {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }

        /** Why the daemon closes the connection; the wire code is a u32 in the place of an error reply's errno. */
        public enum Reason {
            /** The serving process hands the store over to a successor, which serves the same socket. */
            HANDOVER(1),
            /** The daemon shuts down. */
            SHUTDOWN(2);

            private final int code;

            Reason(int code) {
                this.code = code;
            }

            /** The wire code. */
            public int code() {
                return code;
            }

            /** The reason whose code is {@code code}, or empty: then a {@code 0xFF} frame is an error reply. */
            public static Optional<Reason> ofCode(int code) {
                for (Reason r : values()) {
                    if (r.code == code) return Optional.of(r);
                }
                return Optional.empty();
            }
        }
    }

    /** A copy of the entries of a RESTORE_MANY frame, which carries one fd for each: at most 253. */
    private static <T> List<T> oneFrameOf(List<T> entries) {
        List<T> copy = List.copyOf(entries);
        if (copy.size() > Limits.MAX_FDS_PER_FRAME) {
            throw new IllegalArgumentException(copy.size() + " entries exceed " + Limits.MAX_FDS_PER_FRAME
                    + " per frame");
        }
        return copy;
    }
}
