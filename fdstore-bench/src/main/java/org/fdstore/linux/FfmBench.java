package org.fdstore.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The FFM layer's share of a cycle, in one thread over a socketpair (no wake-up across CPUs): sendmsg and recvmsg of a
 * frame with and without an fd, and the owned {@link Fd}'s acquire/release around every call. In package
 * {@code org.fdstore.linux} because acquire and release are package-private.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class FfmBench {
    private static final int FRAME = 64;

    private Arena arena;
    private MemorySegment sendBuffer;
    private MemorySegment receiveBuffer;
    private Fd[] pair;
    private Fd file;
    private List<Fd> oneFd;

    @Setup(Level.Trial)
    public void open() throws LinuxException {
        arena = Arena.ofConfined();
        sendBuffer = arena.allocate(FRAME, 8);
        receiveBuffer = arena.allocate(131072, 8);
        pair = Socket.socketpair(Socket.SOCK_SEQPACKET);
        file = Fcntl.open("/etc/hostname", Fcntl.O_RDONLY | Fcntl.O_CLOEXEC, 0);
        oneFd = List.of(file);
    }

    @TearDown(Level.Trial)
    public void close() {
        file.close();
        pair[0].close();
        pair[1].close();
        arena.close();
    }

    @Benchmark
    public int acquireRelease() throws LinuxException {
        int n = file.acquire();
        file.release();
        return n;
    }

    @Benchmark
    public long sendReceive() throws LinuxException {
        Socket.sendmsg(pair[0], sendBuffer, FRAME, List.of(), 0);
        return Socket.recvmsg(pair[1], receiveBuffer, 0).length();
    }

    @Benchmark
    public long sendReceiveWithFd() throws LinuxException {
        Socket.sendmsg(pair[0], sendBuffer, FRAME, oneFd, 0);
        Received r = Socket.recvmsg(pair[1], receiveBuffer, 0);
        r.closeFds();
        return r.length();
    }

    @Benchmark
    public void dupClose() throws LinuxException {
        file.duplicate().close();
    }
}
