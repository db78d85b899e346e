/**
 * The Java API of the fdstore daemon: {@link org.fdstore.client.FdStore} saves open file descriptors in the store
 * and restores them in any process. See docs/protocol.md for the wire protocol underneath.
 */
package org.fdstore.client;
