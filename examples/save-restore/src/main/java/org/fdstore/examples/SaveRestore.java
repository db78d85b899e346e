package org.fdstore.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fdstore.client.FdStore;
import org.fdstore.protocol.Selector;

/**
 * Creates FILE, writes a line to it, saves it in the fdstore daemon, deletes its name, then restores it from the
 * store and prints its content: the store alone kept the open file alive. Connects to {@code $FDSTORE_SOCKET}, or
 * the default socket. Run it with the JVM options the library needs (the jar's manifest names the library's jars in
 * the local repository):
 * <pre>
 * java --enable-native-access=ALL-UNNAMED \
 *      --add-opens java.base/java.io=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
 *      -jar target/save-restore.jar FILE
 * </pre>
 */
public final class SaveRestore {
    private SaveRestore() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: SaveRestore FILE (a new file, deleted again once saved)");
            System.exit(100);
        }
        Path file = Path.of(args[0]);
        long id;
        try (FdStore store = FdStore.connect();
             FileChannel channel = FileChannel.open(file, CREATE_NEW, READ, WRITE)) {
            channel.write(UTF_8.encode("hello from " + file.getFileName() + "\n"));
            id = store.save(channel, null);
            System.out.println("saved file id " + id);
        }
        Files.delete(file);
        // Any process could do this part, later: the store holds the open file, with its content and offset.
        try (FdStore store = FdStore.connect();
             FileChannel restored = store.restoreChannel(new Selector.ById(id))) {
            ByteBuffer content = ByteBuffer.allocate((int) restored.size());
            restored.read(content, 0);
            System.out.println("file content:");
            System.out.print(UTF_8.decode(content.flip()));
            store.remove(id);
            System.out.println("deleted file id " + id);
        }
    }
}
