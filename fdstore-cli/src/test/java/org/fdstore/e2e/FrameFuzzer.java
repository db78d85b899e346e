package org.fdstore.e2e;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.fdstore.linux.Epoll;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Received;
import org.fdstore.linux.Socket;
import org.fdstore.protocol.Limits;

/**
 * A hostile local client in a process of its own (run as an unprivileged uid by {@link FrameFuzzTest}): over up to
 * eight connections at once it sends {@link FuzzFrames}' malformed, mutated, oversize and valid frames with 0 to 253
 * attached fds or wrong fd counts, leaves multi-frame requests open, reads some replies and not others, and closes
 * connections abruptly. After most frames it waits (up to a second) for the daemon's answer or hang-up, so that the
 * frames it counts are frames the daemon read, rather than frames queued behind one that cost the connection, and
 * counts the answers by errno ({@code answer_ok}, {@code answer_EPROTO}, ...).
 *
 * <p>Commands on stdin, one per line: {@code run N} sends N frames, then closes every connection and answers
 * {@code done KEY=COUNT...} (the counts so far); end of input exits. Arguments: SOCKET SEED.
 */
public final class FrameFuzzer {
    private static final int CONNECTIONS = 8;

    private final String socket;
    private final Random random;
    private final FuzzFrames frames;
    private final Fd[] open = new Fd[CONNECTIONS];
    private final List<Fd> pool = new ArrayList<>();
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment buffer = arena.allocate(Limits.MAX_FRAME + 8192L, 8);
    private final Map<String, Long> counts = new TreeMap<>();
    private final Epoll epoll = Epoll.create(1);

    private FrameFuzzer(String socket, long seed) throws LinuxException {
        this.socket = socket;
        this.random = new Random(seed);
        this.frames = new FuzzFrames(random);
        for (int i = 0; i < Limits.MAX_FDS_PER_FRAME; i++) pool.add(Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0));
    }

    public static void main(String[] args) throws Exception {
        FrameFuzzer fuzzer = new FrameFuzzer(args[0], Long.parseLong(args[1]));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready");
        System.out.flush();
        for (String line; (line = in.readLine()) != null; ) {
            if (!line.startsWith("run ")) throw new IllegalArgumentException("unknown command " + line);
            long n = Long.parseLong(line.substring(4).trim());
            for (long i = 0; i < n; i++) fuzzer.step();
            fuzzer.closeAll();
            StringBuilder done = new StringBuilder("done");
            fuzzer.counts.forEach((k, v) -> done.append(' ').append(k).append('=').append(v));
            System.out.println(done);
            System.out.flush();
        }
    }

    /** Sends one frame (or more, when a connection needs its HELLO first) on a random connection. */
    private void step() throws LinuxException {
        int slot = random.nextInt(CONNECTIONS);
        if (open[slot] == null && !connect(slot)) return;
        int kind = random.nextInt(100);
        if (kind < 20) send(slot, "mutated", frames.mutated(), fds(random.nextInt(3)));
        else if (kind < 30) send(slot, "resized", frames.resized(), fds(random.nextInt(2)));
        else if (kind < 38) send(slot, "garbage", frames.garbage(), fds(random.nextInt(2)));
        else if (kind < 50) {
            int attached = manyOrFew();
            int announced = random.nextInt(4) == 0 ? attached : random.nextInt(Limits.MAX_FDS_PER_FRAME + 8);
            send(slot, "fd_count", frames.withFdCount(announced), fds(attached));
        } else if (kind < 55) send(slot, "many_fds", frames.valid(), fds(manyOrFew()));
        else if (kind < 60) send(slot, "fds_without_frame", new byte[random.nextInt(Limits.HEADER_SIZE)],
                fds(Math.max(1, manyOrFew())));
        else if (kind < 62) send(slot, "oversize", frames.oversize(), fds(random.nextInt(2)));
        else if (kind < 70) {
            int items = random.nextInt(3) == 0 ? 0 : Math.max(1, manyOrFew());
            send(slot, "open_multi_frame", frames.openMultiFrame(items), fds(items));
            return;
        } else if (kind < 97) send(slot, "valid", frames.valid(), fds(random.nextInt(10) == 0 ? 1 : 0));
        else {
            count("abrupt_close");
            close(slot);
            return;
        }
        // Now and then frames go out back to back, unanswered: pipelined, and replies left to queue up.
        if (open[slot] != null && random.nextInt(10) != 0) awaitAnswer(slot);
    }

    /** Waits up to a second for an answer or a hang-up on {@code slot}, then reads what came. */
    private void awaitAnswer(int slot) throws LinuxException {
        epoll.add(open[slot], Epoll.EPOLLIN, slot);
        int ready = epoll.await(1000);
        epoll.remove(open[slot]);
        if (ready == 0) {
            count("no_answer");
            return;
        }
        drain(slot);
    }

    private boolean connect(int slot) throws LinuxException {
        Fd s = Socket.socket(Socket.AF_UNIX, Socket.SOCK_SEQPACKET, 0);
        try {
            Socket.connect(s, socket);
        } catch (LinuxException e) {
            s.close();
            count("connect_" + e.errno().name());
            return false;
        }
        open[slot] = s;
        count("connections");
        // Most connections begin as a client would, so that the frames after reach the request handlers.
        if (random.nextInt(5) != 0) send(slot, "hello", frames.hello(), List.of());
        return open[slot] != null;
    }

    private void send(int slot, String kind, byte[] frame, List<Fd> fds) throws LinuxException {
        MemorySegment.copy(frame, 0, buffer, ValueLayout.JAVA_BYTE, 0, frame.length);
        try {
            if (Socket.sendmsg(open[slot], buffer, frame.length, fds, Socket.MSG_DONTWAIT) < 0) {
                // The daemon no longer reads us (our replies wait unread): hang up on it.
                count("full_socket_closed");
                close(slot);
                return;
            }
            count(kind);
            count("frames");
            count("fds_sent", fds.size());
        } catch (LinuxException e) {
            // EPIPE, ECONNRESET: the daemon dropped the connection after an earlier frame; ETOOMANYREFS: too many
            // of our fds are in flight; EMSGSIZE: bigger than the socket takes.
            count("send_" + e.errno().name());
            close(slot);
        }
    }

    /** Reads the replies that have arrived, closing their fds; a hang-up closes the connection. */
    private void drain(int slot) {
        try {
            for (int i = 0; i < 16; i++) {
                Received r = Socket.recvmsg(open[slot], buffer, Socket.MSG_DONTWAIT);
                if (r == null) return;
                r.closeFds();
                if (r.endOfStream()) {
                    count("daemon_hung_up");
                    close(slot);
                    return;
                }
                count(r.length() >= Limits.HEADER_SIZE + 4 ? "answer_" + answer() : "answer_short");
            }
        } catch (LinuxException e) {
            if (e.errno() != Errno.ECONNRESET) count("recv_" + e.errno().name());
            close(slot);
        }
    }

    /**
     * 0 to 253 fds, mostly few: the kernel refuses a uid's sends (ETOOMANYREFS) once more of its fds are in flight
     * than its RLIMIT_NOFILE, and the frames that wait in the daemon's socket hold theirs.
     */
    private int manyOrFew() {
        return random.nextInt(4) == 0 ? random.nextInt(Limits.MAX_FDS_PER_FRAME + 1) : random.nextInt(4);
    }

    /** The errno name of the reply in {@link #buffer}, or {@code ok}. */
    private String answer() {
        int errno = buffer.get(ValueLayout.JAVA_INT_UNALIGNED, Limits.HEADER_SIZE);
        return errno == 0 ? "ok" : Errno.of(errno).name();
    }

    private List<Fd> fds(int n) {
        return pool.subList(0, n);
    }

    private void close(int slot) {
        if (open[slot] != null) open[slot].close();
        open[slot] = null;
    }

    private void closeAll() {
        for (int i = 0; i < CONNECTIONS; i++) close(i);
    }

    private void count(String key) {
        count(key, 1);
    }

    private void count(String key, long n) {
        counts.merge(key, n, Long::sum);
    }
}
