/**
 * The fdstore wire protocol (docs/protocol.md): frame header, one record per request and reply, and the codecs
 * that turn them into bytes and back.
 *
 * <p>This package does no I/O and holds no native memory: codecs read and write {@link java.nio.ByteBuffer}s that
 * the caller owns, and never keep them. File descriptors never pass through it; only their count, which the caller
 * matches against the {@code SCM_RIGHTS} it sent or received.
 */
package org.fdstore.protocol;
