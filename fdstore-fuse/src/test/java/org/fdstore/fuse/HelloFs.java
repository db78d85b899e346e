package org.fdstore.fuse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fd;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Stat;

/**
 * A tiny read-only filesystem for tests: the root (node 1) holds the file "hello" (node 2) and the empty directory
 * "dir" (node 3). Records every request it sees. Short cache timeouts, so each test sees fresh requests.
 */
class HelloFs implements FuseFilesystem {
    static final byte[] HELLO = "hello".getBytes(StandardCharsets.ISO_8859_1);
    static final byte[] DIR = "dir".getBytes(StandardCharsets.ISO_8859_1);
    static final byte[] CONTENT = "Hello, FUSE!\n".getBytes(StandardCharsets.ISO_8859_1);
    static final long HELLO_ID = 2;
    static final long DIR_ID = 3;
    private static final Duration TTL = Duration.ZERO;
    private static final long TIME = 1_700_000_000L;

    final Queue<FuseRequest> seen = new ConcurrentLinkedQueue<>();
    volatile InitResult agreed;
    volatile Fd device;
    /** When set, a LOOKUP of this name waits for {@link #release} before answering. */
    volatile byte[] blockName;
    final CountDownLatch blocked = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void initialized(InitResult agreed, Fd device) {
        this.agreed = agreed;
        this.device = device;
    }

    @Override
    public FuseReply handle(FuseRequest request) throws LinuxException {
        seen.add(request);
        return switch (request) {
            case FuseRequest.Lookup l when l.context().nodeId() == FuseContext.ROOT_ID -> lookup(l.name());
            case FuseRequest.Lookup l -> FuseReply.error(Errno.ENOENT);
            case FuseRequest.Getattr g -> attrOf(g.context().nodeId());
            case FuseRequest.Statx s -> FuseReply.error(Errno.ENOSYS);
            case FuseRequest.Open o -> o.context().nodeId() == HELLO_ID ? open(o) : FuseReply.error(Errno.EISDIR);
            case FuseRequest.Read r -> read(r);
            case FuseRequest.Opendir o -> FuseReply.open(o.context().nodeId(), 0);
            case FuseRequest.Readdir r -> FuseReply.directory(fill(DirentBuffer.of(r), r.context().nodeId(), r.offset()));
            case FuseRequest.Readdirplus r ->
                    FuseReply.directory(fill(DirentBuffer.of(r), r.context().nodeId(), r.offset()));
            case FuseRequest.Release r -> FuseReply.ok();
            case FuseRequest.Releasedir r -> FuseReply.ok();
            case FuseRequest.Flush f -> FuseReply.ok();
            case FuseRequest.Access a -> FuseReply.ok();
            case FuseRequest.Getxattr g -> FuseReply.error(Errno.ENODATA);
            case FuseRequest.Listxattr l -> FuseReply.xattr(new byte[0]);
            case FuseRequest.Statfs s -> FuseReply.statfs(new FuseStatfs(100, 50, 50, 10, 7, 4096, 255, 4096));
            case FuseRequest.Forget f -> FuseReply.none();
            case FuseRequest.BatchForget f -> FuseReply.none();
            case FuseRequest.Interrupt i -> FuseReply.none();
            case FuseRequest.Destroy d -> FuseReply.ok();
            default -> FuseReply.error(Errno.ENOSYS);
        };
    }

    FuseReply open(FuseRequest.Open o) throws LinuxException {
        return FuseReply.open(10, 0);
    }

    private FuseReply lookup(byte[] name) throws LinuxException {
        byte[] block = blockName;
        if (block != null && Arrays.equals(block, name)) {
            blocked.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new LinuxException("test", Errno.EINTR);
            }
        }
        if (Arrays.equals(name, HELLO)) return FuseReply.entry(entry(HELLO_ID));
        if (Arrays.equals(name, DIR)) return FuseReply.entry(entry(DIR_ID));
        return FuseReply.error(Errno.ENOENT);
    }

    private FuseReply attrOf(long node) {
        if (node < 1 || node > 3) return FuseReply.error(Errno.ENOENT);
        return FuseReply.attr(attr(node), TTL);
    }

    private FuseReply read(FuseRequest.Read r) {
        if (r.offset() >= CONTENT.length) return FuseReply.data(new byte[0]);
        int n = (int) Math.min(r.size(), CONTENT.length - r.offset());
        return FuseReply.data(Arrays.copyOfRange(CONTENT, (int) r.offset(), (int) r.offset() + n));
    }

    private DirentBuffer fill(DirentBuffer buffer, long dir, long offset) {
        byte[][] names = dir == FuseContext.ROOT_ID
                ? new byte[][] {".".getBytes(), "..".getBytes(), HELLO, DIR}
                : new byte[][] {".".getBytes(), "..".getBytes()};
        long[] ids = dir == FuseContext.ROOT_ID ? new long[] {1, 1, HELLO_ID, DIR_ID} : new long[] {dir, 1};
        for (int i = (int) offset; i < names.length; i++) {
            boolean dotted = names[i][0] == '.';
            boolean added = buffer.isPlus() && !dotted
                    ? buffer.add(names[i], entry(ids[i]), i + 1)
                    : buffer.add(names[i], ids[i], attr(ids[i]).mode(), i + 1);
            if (!added) break;
        }
        return buffer;
    }

    static FuseEntry entry(long node) {
        return new FuseEntry(node, 1, TTL, TTL, attr(node));
    }

    static FuseAttr attr(long node) {
        if (node == HELLO_ID) return FuseAttr.of(node, Stat.S_IFREG | 0444, 1, CONTENT.length, 0, 0, TIME);
        return FuseAttr.of(node, Stat.S_IFDIR | 0755, 2, 0, 0, 0, TIME);
    }
}
