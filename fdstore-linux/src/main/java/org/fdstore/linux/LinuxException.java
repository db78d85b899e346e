package org.fdstore.linux;

import java.io.IOException;

/**
 * A system call failed: names the call, its object and the errno, e.g.
 * {@code connect("/run/fdstore/fdstore.sock"): ENOENT (No such file or directory)}.
 */
public class LinuxException extends IOException {
    private final Errno errno;
    private final String call;

    /** A failure of {@code call} (the C name with its object) with {@code errno}. */
    public LinuxException(String call, Errno errno) {
        super(call + ": " + errno.explain());
        this.errno = errno;
        this.call = call;
    }

    /** A failure with an explanation beyond the errno's own text. */
    public LinuxException(String call, Errno errno, String detail) {
        super(call + ": " + errno.name() + " (" + detail + ")");
        this.errno = errno;
        this.call = call;
    }

    /** The error number. */
    public Errno errno() {
        return errno;
    }

    /** The call and its object, without the error. */
    public String call() {
        return call;
    }
}
