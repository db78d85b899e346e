package org.fdstore.linux;

import java.io.Closeable;
import java.io.FileDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.channels.FileChannel;

/**
 * Hands an {@link Fd} over to the JDK's own file types.
 *
 * <p>The JDK has no public way to wrap an existing descriptor number, so this reaches into java.base. It needs the
 * JVM options {@code --add-opens java.base/java.io=ALL-UNNAMED} (for {@link FileDescriptor}) and additionally
 * {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED} (for {@link FileChannel}); {@code bin/fdstore} passes both.
 * Without them the methods throw {@link UnsupportedOperationException} naming the option, and the Fd stays open.
 * {@link #duplicate(FileChannel)} reads a private field of the channel and so needs
 * {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED} instead of the export.
 *
 * <p>Thread safe.
 */
public final class JdkFiles {
    private JdkFiles() {}

    /**
     * A {@link FileDescriptor} for the same descriptor. Takes ownership: the {@code Fd} is closed without closing the
     * number, which the returned object's stream or channel closes.
     */
    public static FileDescriptor toFileDescriptor(Fd fd) throws LinuxException {
        Constructor<FileDescriptor> create = fileDescriptorConstructor();
        try {
            return create.newInstance(fd.detach());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("new FileDescriptor(int) failed", e);
        }
    }

    /**
     * A {@link FileChannel} over the same open file description, readable and writable as its access mode allows.
     * Takes ownership as {@link #toFileDescriptor} does; closing the channel closes the descriptor.
     */
    public static FileChannel toFileChannel(Fd fd) throws LinuxException {
        Method open = fileChannelOpen();
        fileDescriptorConstructor();
        FdDescription description = fd.describe();
        int access = description.openFlags() & Fcntl.O_ACCMODE;
        FileDescriptor descriptor = toFileDescriptor(fd);
        try {
            return (FileChannel) open.invoke(null, descriptor, description.target(),
                    access != Fcntl.O_WRONLY, access != Fcntl.O_RDONLY, false, false, (Closeable) null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("FileChannelImpl.open failed", e);
        }
    }

    /**
     * A new owned descriptor (F_DUPFD_CLOEXEC) for the open file description behind {@code descriptor}. The JDK
     * object keeps its own descriptor; the caller closes the returned {@code Fd}. The object must stay open during
     * the call: if another thread closes it meanwhile, the number may already name another file.
     *
     * @throws LinuxException EBADF if the descriptor is not valid (closed, or never opened)
     * @throws UnsupportedOperationException without {@code --add-opens java.base/java.io=ALL-UNNAMED}
     */
    public static Fd duplicate(FileDescriptor descriptor) throws LinuxException {
        Field number = field(FileDescriptor.class, "fd", "java.io");
        try {
            return duplicateBorrowed(number.getInt(descriptor), "FileDescriptor");
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("reading FileDescriptor.fd failed", e);
        }
    }

    /**
     * A new owned descriptor (F_DUPFD_CLOEXEC) for the open file description behind {@code channel}, a channel of
     * the default file system (from {@code FileChannel.open}, a stream's or a {@code RandomAccessFile}'s
     * {@code getChannel()}). The channel keeps its own descriptor; the caller closes the returned {@code Fd}. The
     * channel must stay open during the call.
     *
     * @throws LinuxException EBADF if the channel is closed
     * @throws IllegalArgumentException if the channel is not backed by a file descriptor of this process
     * @throws UnsupportedOperationException without {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED} and
     *     {@code --add-opens java.base/java.io=ALL-UNNAMED}
     */
    public static Fd duplicate(FileChannel channel) throws LinuxException {
        Class<?> impl;
        try {
            impl = Class.forName("sun.nio.ch.FileChannelImpl");
        } catch (ClassNotFoundException e) {
            throw new UnsupportedOperationException("this JDK has no sun.nio.ch.FileChannelImpl", e);
        }
        if (channel.getClass() != impl) {
            throw new IllegalArgumentException(channel.getClass().getName() + " is not a FileChannel over a file"
                    + " descriptor of this process");
        }
        if (!channel.isOpen()) throw new LinuxException("FileChannel", Errno.EBADF, "the channel is closed");
        Field descriptor = field(impl, "fd", "sun.nio.ch");
        try {
            return duplicate((FileDescriptor) descriptor.get(channel));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("reading FileChannelImpl.fd failed", e);
        }
    }

    private static Fd duplicateBorrowed(int number, String what) throws LinuxException {
        if (number < 0) throw new LinuxException(what, Errno.EBADF, "not open: it was closed or never opened");
        // adopt() would own the number, which the JDK object owns: borrow it and detach before anyone can close it.
        Fd borrowed = Fd.adopt(number);
        try {
            return borrowed.duplicate();
        } finally {
            borrowed.detach();
        }
    }

    private static Field field(Class<?> owner, String name, String packageName) {
        try {
            Field f = owner.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new UnsupportedOperationException("reading " + owner.getSimpleName() + "." + name
                    + " needs --add-opens java.base/" + packageName + "=ALL-UNNAMED", e);
        }
    }

    private static Constructor<FileDescriptor> fileDescriptorConstructor() {
        try {
            Constructor<FileDescriptor> c = FileDescriptor.class.getDeclaredConstructor(int.class);
            c.setAccessible(true);
            return c;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new UnsupportedOperationException(
                    "wrapping an fd in java.io.FileDescriptor needs --add-opens java.base/java.io=ALL-UNNAMED", e);
        }
    }

    private static Method fileChannelOpen() {
        try {
            Class<?> impl = Class.forName("sun.nio.ch.FileChannelImpl");
            Method open = impl.getMethod("open", FileDescriptor.class, String.class, boolean.class, boolean.class,
                    boolean.class, boolean.class, Closeable.class);
            if (!open.canAccess(null)) throw new IllegalAccessException("sun.nio.ch is not opened");
            return open;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new UnsupportedOperationException(
                    "wrapping an fd in a FileChannel needs --add-opens java.base/sun.nio.ch=ALL-UNNAMED", e);
        }
    }
}
