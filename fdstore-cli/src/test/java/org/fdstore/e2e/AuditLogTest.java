package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.fdstore.protocol.Reply;
import org.fdstore.protocol.Request;
import org.fdstore.protocol.Selector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fdstore daemon --audit-log FILE}: what goes into the audit trail, its rate limit, and reopening on SIGHUP. */
class AuditLogTest {
    @TempDir Path dir;

    private static List<String> lines(Path file, String... fragments) throws Exception {
        if (!Files.exists(file)) return List.of();
        return Files.readAllLines(file).stream().filter(l -> {
            for (String f : fragments) if (!l.contains(f)) return false;
            return true;
        }).toList();
    }

    @Test
    void auditLog_operationsAndRefusals_areWrittenToTheFileWithRefusalsRateLimited() throws Exception {
        Path audit = dir.resolve("audit.log");
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--audit-log", audit.toString())) {
            int baseline = daemon.fdCount();
            assertThat(CliRun.run(dir, daemon.socket(), "save", "-f", "x", "--name", "audited").exitCode()).isZero();
            assertThat(CliRun.run(dir, daemon.socket(), "restore", "audited").exitCode()).isZero();
            assertThat(CliRun.run(dir, daemon.socket(), "remove", "audited").exitCode()).isZero();

            assertThat(lines(audit, "event=save ", "uid=0", "namespace=uid.0", "name=audited", "result=ok")).hasSize(1);
            assertThat(lines(audit, "event=restore ", "name=audited", "result=ok")).hasSize(1);
            assertThat(lines(audit, "event=remove ", "name=audited", "result=ok")).hasSize(1);
            assertThat(daemon.logLines("event=save ")).as("audit lines leave stderr").isEmpty();

            try (RawClient c = new RawClient(daemon.socket())) {
                c.hello();
                for (int i = 0; i < 50; i++) {
                    c.send(new Request.Restore(new Selector.ById(1000 + i)), List.of());
                    assertThat(c.receive().reply()).isInstanceOf(Reply.Failure.class);
                }
            }
            // At most 20 refusal lines per uid in 10 s; the daemon's warm-up spent up to 3 of root's.
            assertThat(lines(audit, "event=restore ", "object=\"id 10", "result=ENOENT").size())
                    .as("refusals are rate-limited per uid").isBetween(17, 20);

            Files.move(audit, dir.resolve("audit.log.1"));
            int reloads = daemon.logLines("event=policy_reload").size();
            daemon.signal("HUP");
            daemon.awaitLog(reloads + 1, "event=policy_reload");
            assertThat(CliRun.run(dir, daemon.socket(), "save", "-f", "y", "--name", "after").exitCode()).isZero();
            Await.until("the save to reach the reopened audit log", Duration.ofSeconds(10),
                    () -> Files.exists(audit));
            assertThat(lines(audit, "event=save ", "name=after")).hasSize(1);
            assertThat(lines(dir.resolve("audit.log.1"), "name=after")).isEmpty();
            assertThat(CliRun.run(dir, daemon.socket(), "remove", "after").exitCode()).isZero();
            daemon.awaitFdCount(baseline);
        }
    }
}
