package org.fdstore.daemon.systemd;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Socket;
import org.fdstore.linux.Stdlib;

/**
 * The sockets a service manager passed with LISTEN_FDS, LISTEN_PID and LISTEN_FDNAMES (sd_listen_fds(3)): the store
 * socket (SOCK_SEQPACKET) and the notify socket (SOCK_DGRAM), told apart by SO_TYPE. They are taken only if
 * LISTEN_PID is this process; then they are made close-on-exec and non-blocking, and the variables are unset.
 *
 * @param listener the store's listening socket, or null if none was passed
 * @param notifySocket the notify socket, or null if none was passed
 * @param names what LISTEN_FDNAMES called each one ({@code fd N} without it), for the log
 */
public record SocketActivation(Fd listener, Fd notifySocket, List<String> names) {
    /** The variables of the protocol. */
    static final List<String> VARIABLES = List.of("LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES");
    private static final int FIRST_FD = 3;

    /** Nothing passed. */
    public static final SocketActivation NONE = new SocketActivation(null, null, List.of());

    /**
     * Reads {@code environment} (the process's own) for sockets passed to process {@code pid}.
     *
     * @throws ActivationException if the variables are malformed, or a passed fd is not one of the two sockets,
     *     or two of one kind came: the caller should refuse to start, naming the problem
     */
    public static SocketActivation from(Map<String, String> environment, int pid) throws ActivationException {
        String count = environment.get("LISTEN_FDS");
        String forPid = environment.get("LISTEN_PID");
        if (count == null || forPid == null) return NONE;
        if (!forPid.equals(Integer.toString(pid))) return NONE;   // Meant for the process that exec'd us.
        int n;
        try {
            n = Integer.parseInt(count);
        } catch (NumberFormatException e) {
            throw new ActivationException("LISTEN_FDS=" + count + " is not a number");
        }
        if (n < 0 || n > 2) {
            throw new ActivationException("LISTEN_FDS=" + n + ": pass the store socket (SOCK_SEQPACKET) and at most"
                    + " one notify socket (SOCK_DGRAM)");
        }
        String fdNames = environment.get("LISTEN_FDNAMES");
        String[] split = fdNames == null ? new String[0] : fdNames.split(":", -1);
        Fd listener = null;
        Fd notify = null;
        List<String> names = new ArrayList<>();
        List<Fd> adopted = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                Fd fd = Fd.adopt(FIRST_FD + i);
                adopted.add(fd);
                String name = i < split.length && !split[i].isEmpty() ? split[i] : "fd " + (FIRST_FD + i);
                Fcntl.setDescriptorFlags(fd, Fcntl.FD_CLOEXEC);
                int type;
                try {
                    type = Socket.socketType(fd);
                } catch (LinuxException e) {
                    throw new ActivationException("passed fd " + fd.number() + " (" + name + ") is not a socket: "
                            + e.getMessage());
                }
                Fcntl.setFlags(fd, Fcntl.getFlags(fd) | Fcntl.O_NONBLOCK);
                if (type == Socket.SOCK_SEQPACKET && listener == null) {
                    listener = fd;
                } else if (type == Socket.SOCK_DGRAM && notify == null) {
                    notify = fd;
                } else {
                    throw new ActivationException("passed fd " + fd.number() + " (" + name + ") is a socket of type "
                            + type + "; expected one SOCK_SEQPACKET store socket and at most one SOCK_DGRAM notify"
                            + " socket");
                }
                names.add(name);
            }
            for (String variable : VARIABLES) Stdlib.unsetenv(variable);
        } catch (LinuxException e) {
            adopted.forEach(Fd::close);
            throw new ActivationException("cannot take the passed sockets: " + e.getMessage());
        } catch (ActivationException e) {
            adopted.forEach(Fd::close);
            throw e;
        }
        return new SocketActivation(listener, notify, List.copyOf(names));
    }

    /** Closes the passed sockets not yet handed on (a start that fails); harmless when repeated. */
    public void close() {
        if (listener != null) listener.close();
        if (notifySocket != null) notifySocket.close();
    }

    /** Whether anything was passed. */
    public boolean any() {
        return listener != null || notifySocket != null;
    }

    /** A problem with the passed sockets; the message names it. */
    public static final class ActivationException extends Exception {
        private static final long serialVersionUID = 1L;

        /** The problem, {@code why}. */
        public ActivationException(String why) {
            super(why);
        }
    }
}
