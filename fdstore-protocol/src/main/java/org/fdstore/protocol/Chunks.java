package org.fdstore.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/** Splits the items of a multi-frame request or reply into frames that fit. Stateless. */
final class Chunks {
    private Chunks() {}

    /**
     * Greedy split in order: each chunk holds at most {@code maxItems}, and {@code overhead} plus its items' sizes
     * fit {@link Limits#MAX_FRAME}.
     *
     * @return unmodifiable lists; one empty list for no items
     * @throws IllegalArgumentException if an item fits no frame
     */
    static <T> List<List<T>> split(List<T> items, long overhead, ToLongFunction<T> sizeOf, int maxItems) {
        List<List<T>> chunks = new ArrayList<>();
        List<T> chunk = new ArrayList<>();
        long frameSize = overhead;
        for (T item : items) {
            long size = sizeOf.applyAsLong(item);
            if (overhead + size > Limits.MAX_FRAME) {
                throw new IllegalArgumentException("an item of " + size + " bytes fits no frame");
            }
            if ((frameSize + size > Limits.MAX_FRAME || chunk.size() == maxItems) && !chunk.isEmpty()) {
                chunks.add(List.copyOf(chunk));
                chunk.clear();
                frameSize = overhead;
            }
            chunk.add(item);
            frameSize += size;
        }
        chunks.add(List.copyOf(chunk));
        return List.copyOf(chunks);
    }

}
