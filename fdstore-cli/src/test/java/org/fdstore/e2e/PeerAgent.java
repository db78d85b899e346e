package org.fdstore.e2e;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.fdstore.client.FdStore;
import org.fdstore.client.FdStoreException;
import org.fdstore.client.Restored;
import org.fdstore.client.SaveOptions;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.Unistd;
import org.fdstore.protocol.DropTarget;
import org.fdstore.protocol.EntryInfo;
import org.fdstore.protocol.InspectInfo;
import org.fdstore.protocol.Selector;

/**
 * A peer of the daemon in its own process, usually started as another uid (see {@link Peer}): reads one command
 * per line on stdin, carries it out over a new connection (so that the daemon reads the peer's identity afresh), and
 * answers one line on stdout: {@code ok RESULT} or {@code err ERRNO MESSAGE}.
 *
 * <pre>
 * save NAME|- [ns=NS] [ttl=MS] [owner=GRACE_MS] [keep] [meta=TEXT]   saves /dev/null; ok ID
 * restore|take|remove ID|NAME                                       ok ID
 * restorefast ID                                                    ok ID INODE fast=true|false
 * restoreall NAMESPACE|-                                            ok ID:NAMESPACE/NAME ... (by id)
 * list | inspect                                                    ok ID:NAMESPACE/NAME ... (sorted by id)
 * drop mount|uid|namespace|id VALUE                                 ok COUNT
 * namespace                                                         ok DEFAULT_NAMESPACE
 * whoami                                                            ok PID UID USERNS_INODE
 * </pre>
 */
public final class PeerAgent {
    private PeerAgent() {}

    public static void main(String[] args) throws Exception {
        String socket = args[0];
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready " + ProcessHandle.current().pid());
        System.out.flush();
        String line;
        while ((line = in.readLine()) != null) {
            String answer;
            try (FdStore store = FdStore.connect(socket)) {
                answer = "ok " + run(store, line.trim().split(" "));
            } catch (FdStoreException e) {
                answer = "err " + e.errno().name() + " " + e.getMessage();
            } catch (Exception e) {
                answer = "err EXCEPTION " + e;
            }
            System.out.println(answer.replace('\n', ' '));
            System.out.flush();
        }
    }

    private static String run(FdStore store, String[] w) throws Exception {
        return switch (w[0]) {
            case "save" -> {
                SaveOptions options = SaveOptions.DEFAULT;
                byte[] meta = null;
                for (int i = 2; i < w.length; i++) {
                    String o = w[i];
                    if (o.startsWith("ns=")) options = options.withNamespace(o.substring(3));
                    else if (o.startsWith("ttl=")) options = options.withTtl(Duration.ofMillis(Long.parseLong(o.substring(4))));
                    else if (o.startsWith("owner=")) options = options.withOwnerBound(Duration.ofMillis(Long.parseLong(o.substring(6))));
                    else if (o.equals("keep")) options = options.withKeepOnHangup();
                    else if (o.startsWith("meta=")) meta = o.substring(5).getBytes(StandardCharsets.UTF_8);
                    else throw new IllegalArgumentException("unknown save option " + o);
                }
                try (Fd fd = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0)) {
                    yield Long.toString(store.save(fd, w[1].equals("-") ? null : w[1], meta, options));
                }
            }
            case "restore" -> {
                try (Restored r = store.restore(Selector.parse(w[1]))) {
                    yield Long.toString(r.entry().id());
                }
            }
            case "take" -> {
                try (Restored r = store.take(Selector.parse(w[1]))) {
                    yield Long.toString(r.entry().id());
                }
            }
            case "remove" -> Long.toString(store.remove(Selector.parse(w[1])));
            case "restorefast" -> {
                try (Fd fd = store.restoreFast(Long.parseLong(w[1]))) {
                    yield w[1] + " " + org.fdstore.linux.Stat.fstat(fd).ino() + " fast=" + store.fastPathAvailable();
                }
            }
            case "restoreall" -> {
                List<org.fdstore.client.Restored> restored = store.restoreAll(w[1].equals("-") ? null : w[1]);
                restored.forEach(org.fdstore.client.Restored::close);
                yield describe(restored.stream().map(org.fdstore.client.Restored::entry).toList());
            }
            case "list" -> describe(store.list());
            case "inspect" -> describe(store.inspect().stream().map(InspectInfo::entry).toList());
            case "drop" -> Integer.toString(store.drop(switch (w[1]) {
                case "mount" -> new DropTarget.Mount(w[2]);
                case "uid" -> new DropTarget.Uid(Integer.parseInt(w[2]));
                case "namespace" -> new DropTarget.Namespace(w[2]);
                case "id" -> new DropTarget.Id(Long.parseLong(w[2]));
                default -> throw new IllegalArgumentException("drop by " + w[1]);
            }));
            case "namespace" -> store.defaultNamespace();
            case "metrics" -> store.metrics().lines().filter(l -> l.startsWith("# TYPE ")).count() + " families";
            case "whoami" -> ProcessHandle.current().pid() + " " + Unistd.getuid() + " "
                    + Files.readSymbolicLink(Path.of("/proc/self/ns/user")).toString().replaceAll("\\D", "");
            default -> throw new IllegalArgumentException("unknown command " + w[0]);
        };
    }

    /** {@code 1:uid.0/db 2:uid.0/-}, by id. */
    static String describe(List<EntryInfo> entries) {
        return entries.stream().map(e -> e.id() + ":" + e.namespace() + "/" + (e.name().isEmpty() ? "-" : e.name()))
                .collect(Collectors.joining(" "));
    }
}
