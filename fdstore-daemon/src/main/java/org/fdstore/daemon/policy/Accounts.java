package org.fdstore.daemon.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * Resolves user and group names to numbers through {@code /etc/passwd} and {@code /etc/group}, when the policy is
 * loaded (never per request). A number is taken as it is.
 *
 * <p>Stateless and thread safe.
 */
public final class Accounts {
    private static final Path PASSWD = Path.of("/etc/passwd");
    private static final Path GROUP = Path.of("/etc/group");

    private Accounts() {}

    /** The uid of a user name or number. */
    public static OptionalInt uid(String nameOrNumber) {
        return lookup(nameOrNumber, PASSWD);
    }

    /** The gid of a group name or number. */
    public static OptionalInt gid(String nameOrNumber) {
        return lookup(nameOrNumber, GROUP);
    }

    /** The id of {@code nameOrNumber} in a passwd- or group-style file (name:x:id:...). */
    static OptionalInt lookup(String nameOrNumber, Path file) {
        if (!nameOrNumber.isEmpty() && nameOrNumber.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                return OptionalInt.of(Integer.parseUnsignedInt(nameOrNumber));
            } catch (NumberFormatException e) {
                return OptionalInt.empty();
            }
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] fields = line.split(":", -1);
                if (fields.length > 2 && fields[0].equals(nameOrNumber)) {
                    return OptionalInt.of(Integer.parseUnsignedInt(fields[2]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
        return OptionalInt.empty();
    }
}
