package org.fdstore.daemon.systemd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.fdstore.daemon.observe.EventLog;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Socket;
import org.fdstore.linux.Unistd;

/**
 * The daemon's own service manager, when it runs under one with {@code Type=notify}: the NOTIFY_SOCKET of this
 * process's environment, which is the supervisor's and has nothing to do with the notify socket the daemon serves
 * itself ({@code --notify-socket}).
 *
 * <p>Only a process that starts serving speaks to it: the first daemon, and a standby or successor when it takes
 * over, each with its own pid as MAINPID, which is how systemd learns that the service's main process changed. A
 * standby inherits the variable but says nothing while it merely follows, so READY=1 never comes from a process that
 * does not serve.
 *
 * <p>Thread safe.
 */
public final class Supervisor {
    /** The environment variable naming the supervisor's socket. */
    public static final String ENVIRONMENT = "NOTIFY_SOCKET";

    private final String address;
    private final EventLog log;

    private Supervisor(String address, EventLog log) {
        this.address = address;
        this.log = log;
    }

    /** The supervisor named by this process's NOTIFY_SOCKET; one that ignores everything if it is unset. */
    public static Supervisor fromEnvironment(EventLog log) {
        return new Supervisor(System.getenv(ENVIRONMENT), log);
    }

    /** The datagram this process sends once it accepts: READY=1, its pid as MAINPID, and {@code status}. */
    static String readyMessage(int pid, String status) {
        return "READY=1\nMAINPID=" + pid + "\nSTATUS=" + status.replace('\n', ' ') + "\n";
    }

    /**
     * Says READY=1, MAINPID and {@code status}. A supervisor that is gone or refuses is logged and otherwise
     * ignored: serving matters more than telling.
     */
    public void ready(String status) {
        if (address == null || address.isEmpty()) return;
        if (!address.startsWith("/") && !address.startsWith("@")) {
            log.log("supervisor_not_notified", "notify_socket", address, "reason", "neither a path nor @name");
            return;
        }
        int pid = Unistd.getpid();
        byte[] message = readyMessage(pid, status).getBytes(StandardCharsets.UTF_8);
        try (Fd socket = Socket.socket(Socket.AF_UNIX, Socket.SOCK_DGRAM, 0); Arena arena = Arena.ofConfined()) {
            Socket.connect(socket, address);
            MemorySegment data = arena.allocate(message.length);
            data.copyFrom(MemorySegment.ofArray(message));
            Socket.sendmsg(socket, data, message.length, List.of(), 0);
            log.log("supervisor_notified", "notify_socket", address, "ready", 1, "main_pid", pid);
        } catch (LinuxException e) {
            log.log("supervisor_not_notified", "notify_socket", address, "reason", e.getMessage());
        }
    }
}
