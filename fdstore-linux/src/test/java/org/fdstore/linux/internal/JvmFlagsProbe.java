package org.fdstore.linux.internal;

import java.io.FileDescriptor;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.JdkFiles;

/**
 * Run by {@link PlatformTest} in a JVM of its own: prints what a first FFM call and a first {@link JdkFiles} call
 * throw (or "ok"), one line each, so the test sees the messages a library user would.
 */
public final class JvmFlagsProbe {
    private JvmFlagsProbe() {}

    public static void main(String[] args) throws Exception {
        try (Fd fd = JdkFiles.duplicate(FileDescriptor.out)) {
            System.out.println("jdkfiles ok");
        } catch (UnsupportedOperationException e) {
            System.out.println("jdkfiles " + e.getMessage());
        }
        try (Fd fd = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0)) {
            System.out.println("ffm ok");
        } catch (UnsatisfiedLinkError e) {
            System.out.println("ffm " + e.getMessage());
        }
    }
}
