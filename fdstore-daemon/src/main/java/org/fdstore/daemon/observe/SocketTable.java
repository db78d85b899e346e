package org.fdstore.daemon.observe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sockets of the daemon's network namespace, by inode, from {@code /proc/net/unix}, {@code tcp}, {@code tcp6},
 * {@code udp} and {@code udp6}: what INSPECT says a stored socket is and what its other end is. A socket made in
 * another network namespace is not listed here, and shows as unknown.
 *
 * <p>Immutable after construction; thread safe.
 */
public final class SocketTable {
    /**
     * One socket.
     *
     * @param description family, type, local address and state, e.g. {@code tcp 127.0.0.1:8080 listen}
     * @param remote the remote address for inet sockets, {@code ""} otherwise or when unconnected
     * @param connected whether an AF_UNIX socket is connected (then SO_PEERCRED names its peer)
     */
    public record Socket(String description, String remote, boolean connected) {}

    private static final String[] TCP_STATES = {"", "established", "syn-sent", "syn-recv", "fin-wait1", "fin-wait2",
        "time-wait", "close", "close-wait", "last-ack", "listen", "closing", "new-syn-recv"};

    private final Map<Long, Socket> byInode;

    private SocketTable(Map<Long, Socket> byInode) {
        this.byInode = byInode;
    }

    /** Reads the tables now; a table that cannot be read is left out. */
    public static SocketTable read() {
        Map<Long, Socket> sockets = new HashMap<>();
        parseUnix(lines("unix"), sockets);
        parseInet(lines("tcp"), "tcp", false, true, sockets);
        parseInet(lines("tcp6"), "tcp6", true, true, sockets);
        parseInet(lines("udp"), "udp", false, false, sockets);
        parseInet(lines("udp6"), "udp6", true, false, sockets);
        return new SocketTable(sockets);
    }

    /** The socket with inode {@code inode}, or null. */
    public Socket get(long inode) {
        return byInode.get(inode);
    }

    private static List<String> lines(String table) {
        try {
            return Files.readAllLines(Path.of("/proc/net/" + table), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of();
        }
    }

    /** {@code Num RefCount Protocol Flags Type St Inode [Path]}. */
    static void parseUnix(List<String> lines, Map<Long, Socket> out) {
        for (String line : lines) {
            String[] f = line.trim().split("\\s+", 8);
            if (f.length < 7 || !f[0].endsWith(":")) continue;
            try {
                int flags = Integer.parseInt(f[3], 16);
                String type = switch (Integer.parseInt(f[4], 16)) {
                    case 1 -> "stream";
                    case 2 -> "dgram";
                    case 5 -> "seqpacket";
                    default -> "type-" + f[4];
                };
                int state = Integer.parseInt(f[5], 16);
                long inode = Long.parseLong(f[6]);
                boolean listening = (flags & 0x10000) != 0;
                String path = f.length > 7 ? " " + f[7] : "";
                String status = listening ? " listen" : state == 3 ? " connected" : state == 1 ? " unconnected" : "";
                out.put(inode, new Socket("unix " + type + path + status, "", state == 3));
            } catch (NumberFormatException e) {
                // The header line, or a format this parser does not know.
            }
        }
    }

    /** {@code sl local_address rem_address st ... uid timeout inode}. */
    static void parseInet(List<String> lines, String family, boolean six, boolean tcp, Map<Long, Socket> out) {
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 10 || !f[0].endsWith(":")) continue;
            try {
                String local = address(f[1], six);
                String remote = address(f[2], six);
                int state = Integer.parseInt(f[3], 16);
                long inode = Long.parseLong(f[9]);
                String status = tcp && state < TCP_STATES.length ? " " + TCP_STATES[state] : "";
                boolean unconnected = remote.endsWith(":0");   // remote port 0: no peer
                out.put(inode, new Socket(family + " " + local + status, unconnected ? "" : remote, false));
            } catch (RuntimeException e) {
                // The header line, or a format this parser does not know.
            }
        }
    }

    /** {@code 0100007F:1F90} is 127.0.0.1:8080: the address in host (little-endian) order, the port big-endian. */
    static String address(String field, boolean six) {
        int colon = field.indexOf(':');
        String hex = field.substring(0, colon);
        int port = Integer.parseInt(field.substring(colon + 1), 16);
        if (!six) {
            long a = Long.parseLong(hex, 16);
            return (a & 0xff) + "." + ((a >> 8) & 0xff) + "." + ((a >> 16) & 0xff) + "." + ((a >> 24) & 0xff)
                    + ":" + port;
        }
        byte[] bytes = new byte[16];
        for (int word = 0; word < 4; word++) {
            long w = Long.parseLong(hex.substring(word * 8, word * 8 + 8), 16);
            for (int b = 0; b < 4; b++) bytes[word * 4 + b] = (byte) (w >> (8 * b));
        }
        try {
            String text = java.net.InetAddress.getByAddress(bytes).getHostAddress();
            return "[" + text + "]:" + port;
        } catch (java.net.UnknownHostException e) {
            return "[" + hex + "]:" + port;
        }
    }
}
