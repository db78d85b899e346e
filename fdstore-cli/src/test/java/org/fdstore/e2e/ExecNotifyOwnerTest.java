package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.fdstore.client.FdStore;
import org.fdstore.linux.Fcntl;
import org.fdstore.linux.Fd;
import org.fdstore.linux.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fdstore exec --notify} hands COMMAND a notify socket to send its fds to: it checks the socket's owner first
 * (a datagram socket has no peer credentials, so the socket file's owner and its directory stand for the receiver),
 * and refuses another uid's socket, or an abstract name, before COMMAND runs.
 */
class ExecNotifyOwnerTest {
    static final int OTHER = 4513;

    @TempDir
    Path dir;

    @Test
    void exec_notifySocketOfAnotherUid_exits111BeforeCommandRuns() throws Exception {
        Path notify = dir.resolve("notify.sock");
        Path ran = dir.resolve("ran");
        try (DaemonProcess daemon = DaemonProcess.start(dir); Fd receiver = boundDatagram(notify)) {
            saveDevNull(daemon);
            Files.setAttribute(notify, "unix:uid", OTHER, LinkOption.NOFOLLOW_LINKS);

            CliRun refused = CliRun.run(dir, daemon.socket(), "exec", "--notify=" + notify, "--", "touch",
                    ran.toString());
            CliRun trusted = CliRun.run(dir, daemon.socket(), "--daemon-uid", Integer.toString(OTHER), "exec",
                    "--notify=" + notify, "--", "touch", ran.toString());

            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(111);
            assertThat(refused.stderr()).startsWith("fdstore exec: notify socket " + notify + " is owned by uid " + OTHER
                    + ", expected 0 (EPERM)");
            assertThat(trusted.exitCode()).as(trusted.toString()).isZero();
            assertThat(ran).as("COMMAND ran once trusted").exists();
            assertThat(daemon.stop()).isZero();
        }
    }

    @Test
    void exec_abstractNotifySocket_exits111() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir)) {

            CliRun refused = CliRun.run(dir, daemon.socket(), "exec", "--notify=@fdstore-test-notify", "--", "true");

            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(111);
            assertThat(refused.stderr()).contains("is in the abstract namespace").contains("(EPERM)");
            assertThat(daemon.stop()).isZero();
        }
    }

    private static Fd boundDatagram(Path path) throws Exception {
        Fd fd = Socket.socket(Socket.AF_UNIX, Socket.SOCK_DGRAM, 0);
        Socket.bind(fd, path.toString());
        return fd;
    }

    /** One entry, so that exec has something to pass once it may run. */
    private static void saveDevNull(DaemonProcess daemon) throws Exception {
        try (FdStore store = FdStore.connect(daemon.socket().toString());
             Fd devNull = Fcntl.open("/dev/null", Fcntl.O_RDONLY, 0)) {
            store.save(devNull, "x");
        }
    }
}
