package org.fdstore.e2e;

import java.io.File;

/** Counts this test JVM's open descriptors, for leak checks on the client side. */
final class OwnFds {
    private OwnFds() {}

    static int count() {
        String[] names = new File("/proc/self/fd").list();
        return names == null ? -1 : names.length;
    }
}
