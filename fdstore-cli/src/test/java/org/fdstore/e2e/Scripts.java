package org.fdstore.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Copies the test scripts of the passthrough module into a world-readable place, for other uids to run. */
final class Scripts {
    /** Debian's interpreter: other uids cannot use root's pyenv shim. */
    static final String PYTHON = "/usr/bin/python3";

    private Scripts() {}

    static Path copy(String name, Path dir) throws IOException {
        Path target = dir.resolve(name);
        try (InputStream in = Scripts.class.getResourceAsStream("/" + name)) {
            if (in == null) throw new IOException("test resource " + name + " is missing");
            Files.copy(in, target);
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        return target;
    }
}
