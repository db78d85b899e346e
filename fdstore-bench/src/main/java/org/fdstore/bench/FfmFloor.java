package org.fdstore.bench;

import org.fdstore.linux.Unistd;

/**
 * {@code bin/bench startup}'s floor of a command that passes a descriptor, which it can only do through FFM: a JVM
 * that links one C function as fdstore-linux links each (getpid(2), with errno capture), calls it once and exits. Run
 * with the CLI's JVM options and an AOT cache of its own, its wall time is what any such command pays before its own
 * work: the JVM, FFM's infrastructure and one C signature. Prints nothing; exits 0, or 111 if the call gave no pid.
 */
public final class FfmFloor {
    private FfmFloor() {}

    public static void main(String[] args) {
        // Halts as the CLI's short commands do (org.fdstore.cli.Main): System.exit would first look a logger up.
        Runtime.getRuntime().halt(Unistd.getpid() > 0 ? 0 : 111);
    }
}
