package org.fdstore.protocol;

import java.util.function.Consumer;

/**
 * A frame body whose values have been checked and whose length is known, waiting to be written. Knowing the length
 * first lets an encoder refuse an oversize frame before it writes a byte.
 *
 * @param length bytes the writer will write; a long, because a LIST that is too big can overflow an int
 * @param writer writes exactly {@code length} bytes
 */
record EncodedBody(long length, Consumer<WireWriter> writer) {
    static final EncodedBody EMPTY = new EncodedBody(0, w -> {});
}
