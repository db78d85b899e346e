package org.fdstore.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A world-readable copy of this JVM's class path, so that processes running as other uids can start a JVM from it:
 * they cannot read /root/.m2, nor maybe the build directory. Made once per test JVM under a 0755 directory in /tmp,
 * which also serves as a traversable home for sockets; removed when the JVM exits.
 */
final class PeerClasspath {
    private static Path dir;
    private static String classpath;

    private PeerClasspath() {}

    /** The world-readable directory (mode 0755) holding the copy; sockets may live in subdirectories of it. */
    static synchronized Path dir() {
        if (dir == null) copy();
        return dir;
    }

    /** A new 0755 directory under {@link #dir()}, for one daemon's socket and files. */
    static Path newSharedDir(String name) throws IOException {
        Path d = Files.createTempDirectory(dir(), name);
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        return d;
    }

    /** The command line of a JVM running {@code mainClass} from the copy. */
    static List<String> java(String mainClass, String... args) {
        dir();
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-Duser.home=/tmp", "-cp", classpath, mainClass));
        command.addAll(List.of(args));
        return command;
    }

    private static void copy() {
        try {
            Path root = Files.createTempDirectory(Path.of("/tmp"), "fdstore-peers-");
            List<String> entries = new ArrayList<>();
            int i = 0;
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                if (entry.isEmpty()) continue;
                Path source = Path.of(entry);
                if (!Files.exists(source)) continue;
                Path target = root.resolve("cp" + (i++) + (Files.isDirectory(source) ? "" : ".jar"));
                if (Files.isDirectory(source)) copyTree(source, target);
                else Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                entries.add(target.toString());
            }
            makeWorldReadable(root);
            dir = root;
            classpath = String.join(File.pathSeparator, entries);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(root)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the class path for peer processes", e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(d).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Files.copy(f, to.resolve(from.relativize(f).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void makeWorldReadable(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    private static void delete(Path root) {
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // Best effort at exit.
        }
    }
}
