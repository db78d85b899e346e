package org.fdstore.protocol;

import java.util.Objects;

/**
 * Which entry a RESTORE, REMOVE or TAKE is about: an id or a name.
 *
 * <p>Implementations are immutable records and thread safe.
 */
public sealed interface Selector permits Selector.ById, Selector.ByName {

    /**
     * Reads a command-line word: only ASCII digits is an id, anything else a name.
     *
     * @throws IllegalArgumentException if {@code text} is all digits but above 2^64 - 1; it cannot be a name
     *     either, since names are never only digits
     * @throws NullPointerException if {@code text} is null
     */
    static Selector parse(String text) {
        Objects.requireNonNull(text, "text");
        if (!Names.isAsciiDigits(text)) return new ByName(text);
        try {
            return new ById(Long.parseUnsignedLong(text));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("id " + text + " is larger than " + Long.toUnsignedString(-1L), e);
        }
    }

    /** {@code id 7} or {@code name "db"}: the object as error messages name it, e.g. "no entry with id 7". */
    String describe();

    /**
     * An entry by id.
     *
     * @param id a u64, kept bit for bit in a long
     */
    record ById(long id) implements Selector {
        @Override
        public String describe() {
            return "id " + Long.toUnsignedString(id);
        }
    }

    /**
     * An entry by name. The name is not checked against {@link Names}: a peer may ask for any string, and simply
     * finds nothing.
     *
     * @param name the name, non-null
     */
    record ByName(String name) implements Selector {
        /**
         * Checks the components.
         *
         * @throws NullPointerException if {@code name} is null
         */
        public ByName {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String describe() {
            return "name " + Quote.of(name);
        }
    }
}
