package org.fdstore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Who may read the metrics over the store socket: root and the admin group; another uid is told EACCES, naming the
 * rule, and the refusal is counted like any other.
 */
class MetricsAccessTest {
    static final int USER = 4111;
    static final int ADMIN = 4112;
    static final int ADMIN_GROUP = 4210;

    @Test
    void metrics_asUserAdminAndRoot_onlyTheUserIsRefused() throws Exception {
        Path dir = PeerClasspath.newSharedDir("metrics-access");
        try (DaemonProcess daemon = DaemonProcess.start(dir, "--admin-group", Integer.toString(ADMIN_GROUP));
             Peer user = Peer.user(USER, daemon.socket());
             Peer admin = Peer.user(ADMIN, daemon.socket(), ADMIN_GROUP);
             Peer root = Peer.root(daemon.socket())) {
            assertThat(user.err("metrics", "EACCES")).isEqualTo("uid " + USER + " may not read the metrics: they name"
                    + " every namespace and uid in use, so only root and the admin group may; ask an administrator,"
                    + " or scrape the --metrics endpoint");
            assertThat(admin.ok("metrics")).endsWith(" families");
            assertThat(root.ok("metrics")).endsWith(" families");
            CliRun cli = CliRun.run(dir, daemon.socket(), "metrics");
            assertThat(cli.stdout()).contains("fdstore_requests_total{type=\"metrics\",result=\"EACCES\"} 1\n",
                    "fdstore_requests_total{type=\"metrics\",result=\"ok\"} 2\n");
        }
    }
}
