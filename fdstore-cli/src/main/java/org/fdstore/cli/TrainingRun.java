package org.fdstore.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The training run of the command's AOT cache (bin/lib/jdk.sh): runs several command lines in this one JVM, as
 * {@link Main} would run each, because a cache holds what its one training JVM loaded and each command loads classes
 * of its own. Not part of the command's interface.
 *
 * <p>Usage: {@code java -XX:AOTCacheOutput=CACHE -cp fdstore-cli.jar org.fdstore.cli.TrainingRun LINE [";" LINE]...},
 * each LINE being the arguments of one {@code fdstore} call. Exits 0 if every line exited 0, else 1.
 */
public final class TrainingRun {
    private TrainingRun() {}

    /** Runs the command lines, separated by ";" arguments. */
    public static void main(String[] args) {
        int failed = 0;
        List<String> line = new ArrayList<>();
        for (String arg : Arrays.copyOf(args, args.length + 1)) {
            if (arg != null && !arg.equals(";")) {
                line.add(arg);
                continue;
            }
            if (Main.runOnStandardStreams(line.toArray(String[]::new)) != ExitCodes.OK) failed++;
            line.clear();
        }
        System.exit(failed == 0 ? ExitCodes.OK : 1);
    }
}
