package org.fdstore.passthrough;

import java.io.IOException;
import java.time.Duration;
import org.fdstore.linux.Epoll;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.Pidfd;

/**
 * Keeps one standby alive beside the serving process: starts one, and another whenever it dies, except while an
 * upgrade is choosing the standby itself.
 *
 * <p>Runs on its own platform thread; {@link #stop()} from any thread. Stopping leaves a running standby alone.
 */
final class StandbyKeeper implements Runnable {
    private static final System.Logger LOG = System.getLogger("fdstore.passthrough");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final long POLL_MILLIS = 250;

    private final StateFile state;
    private final StandbyStarter starter;
    private volatile boolean running = true;
    private Thread thread;

    StandbyKeeper(StateFile state, StandbyStarter starter) {
        this.state = state;
        this.starter = starter;
    }

    void start() {
        thread = Thread.ofPlatform().name("fdstore-standby-keeper").daemon(true).start(this);
    }

    void stop() {
        running = false;
        if (thread != null) thread.interrupt();
    }

    @Override
    public void run() {
        while (running) {
            try {
                if (Pidfd.isRunning(state.upgraderPid())) {
                    Thread.sleep(POLL_MILLIS);   // The upgrade chooses the standby meanwhile.
                    continue;
                }
                if (watch(state.standbyPid())) continue;
                // The standby may have exited because an upgrade retired it: the upgrade starts the next one.
                if (state.upgraderPid() != 0) continue;
                Process standby = starter.start();
                long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
                while (running && standby.isAlive() && state.standbyPid() != standby.pid()
                        && System.nanoTime() < deadline) {
                    Thread.sleep(POLL_MILLIS / 5);
                }
                if (state.standbyPid() == standby.pid()) {
                    LOG.log(System.Logger.Level.INFO, "event=standby_ready pid=" + standby.pid());
                } else if (running) {
                    LOG.log(System.Logger.Level.WARNING, "event=standby_failed pid=" + standby.pid()
                            + " alive=" + standby.isAlive());
                    Thread.sleep(2000);
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "event=standby_start_failed reason=\"" + e.getMessage() + "\"");
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** Waits a while on the standby's exit; false if there is no live standby to wait on. */
    private boolean watch(int pid) throws InterruptedException {
        if (pid <= 0) return false;
        try (Pidfd standby = Pidfd.open(pid); Epoll epoll = Epoll.create(1)) {
            epoll.add(standby.fd(), Epoll.EPOLLIN, 0);
            if (epoll.await((int) POLL_MILLIS * 4) > 0) {
                if (state.standbyPid() == pid) state.standbyPid(0);
                // An upgrade retires the standby on purpose; any other exit is worth a warning.
                LOG.log(state.upgraderPid() != 0 ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                        "event=standby_exited pid=" + pid);
                return false;
            }
            return true;
        } catch (LinuxException e) {
            if (state.standbyPid() == pid) state.standbyPid(0);
            return false;
        }
    }
}
