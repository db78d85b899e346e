package org.fdstore.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.fdstore.client.FdStore;
import org.fdstore.linux.Fd;
import org.fdstore.protocol.Selector;

/**
 * {@code bin/bench memory N}: the daemon's live heap and RSS before and after saving N unnamed entries without
 * metadata (the entry itself, not the strings a caller chooses to attach); with {@code named}, the heap for N
 * entries named {@code session-NNNNNN} (their names and slots in the name index count too). bench/store/driver.sh
 * runs both, each against a fresh daemon. The live heap is the total of
 * {@code jcmd PID GC.class_histogram}, which runs a full GC first; RSS is VmRSS of /proc/PID/status. Prints
 * {@code memory <N> entries: <bytes> bytes of heap per entry} and {@code ... bytes of RSS per entry}, or
 * {@code memory <N> named entries: <bytes> bytes of heap per entry}. The entries are removed afterwards.
 */
public final class Memory {
    private Memory() {}

    public static void main(String[] args) {
        Driver.main("memory N [named]", args, a -> {
            int n = Driver.count(a, 0, "N (entries)");
            boolean named = a.length > 1 && a[1].equals("named");
            try (FdStore store = FdStore.connect(); Fd file = Driver.openSavedFile()) {
                int pid = store.daemonPid();
                // One save and remove first, so that the classes of the save path are loaded before the baseline.
                store.remove(store.save(file, named ? "warm-up" : null));
                long heapBefore = liveHeap(pid);
                long rssBefore = rss(pid);
                List<CompletableFuture<Long>> ids = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    ids.add(store.saveAsync(file, named ? String.format("session-%06d", i) : null, null));
                    if (i % 256 == 255) store.awaitSubmitted();
                }
                store.awaitSubmitted();
                long heap = (liveHeap(pid) - heapBefore) / n;
                long rss = (rss(pid) - rssBefore) / n;
                for (CompletableFuture<Long> id : ids) store.removeAsync(new Selector.ById(id.join()));
                store.awaitSubmitted();
                if (named) {
                    System.out.printf("memory %d named entries: %d bytes of heap per entry%n", n, heap);
                } else {
                    System.out.printf("memory %d entries: %d bytes of heap per entry%n", n, heap);
                    System.out.printf("memory %d entries: %d bytes of RSS per entry%n", n, rss);
                }
            }
            return Driver.OK;
        });
    }

    /** Bytes of live objects in process {@code pid}: the Total line of a class histogram (after a full GC). */
    private static long liveHeap(int pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Integer.toString(pid), "GC.class_histogram")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("jcmd " + pid + " GC.class_histogram failed: " + out.strip());
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && f[0].equals("Total")) return Long.parseLong(f[2]);
        }
        throw new IOException("jcmd " + pid + " GC.class_histogram printed no Total line");
    }

    /** Resident set of process {@code pid} in bytes (VmRSS). */
    private static long rss(int pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
        throw new IOException("no VmRSS in /proc/" + pid + "/status");
    }
}
