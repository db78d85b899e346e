/**
 * The Java API of the fdstore daemon: {@link org.fdstore.client.FdStore} saves open file descriptors in the store
 * and restores them in any process. See docs/protocol.md for the wire protocol underneath.
 *
 * <p>Linux on x86_64 only. The JVM needs {@code --enable-native-access=ALL-UNNAMED} (every system call goes through
 * java.lang.foreign), and the methods that take or return {@link java.io.FileDescriptor} or
 * {@link java.nio.channels.FileChannel} also need {@code --add-opens java.base/java.io=ALL-UNNAMED} and, for
 * channels, {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}. Without one of them, the first call that needs it
 * throws an error naming the option (README, From Java).
 */
package org.fdstore.client;
