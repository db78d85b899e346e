package org.fdstore.daemon.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing of /proc/self/mountinfo and /proc/net tables, from sample text. */
class TablesTest {
    @Test
    void mountTable_mountinfo_mapsIdsToUnescapedMountPoints() {
        MountTable table = MountTable.parse("""
                22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
                31 22 0:40 / /mnt/with\\040space rw - tmpfs none rw
                32 31 0:41 / /mnt/with\\040space/sub rw - tmpfs none rw
                40 22 0:42 / /mnt/other rw - tmpfs none rw
                """);

        assertThat(table.mountPoint(31)).isEqualTo("/mnt/with space");
        assertThat(table.mountPoint(99)).isEmpty();
        assertThat(table.isMountPoint("/mnt/with space")).isTrue();
        assertThat(table.isMountPoint("/mnt")).isFalse();
        assertThat(table.atOrBelow("/mnt/with space")).containsExactlyInAnyOrder(31, 32);
        assertThat(table.atOrBelow("/")).containsExactlyInAnyOrder(22, 31, 32, 40);
    }

    @Test
    void socketTable_unixAndTcp_describeTypeAddressStateAndPeer() {
        Map<Long, SocketTable.Socket> sockets = new HashMap<>();
        SocketTable.parseUnix(List.of(
                "Num       RefCount Protocol Flags    Type St Inode Path",
                "0000000000000000: 00000002 00000000 00010000 0001 01 20974 /run/app.sock",
                "0000000000000000: 00000003 00000000 00000000 0005 03 20975",
                "0000000000000000: 00000002 00000000 00000000 0002 01 20976 @abstract"), sockets);
        SocketTable.parseInet(List.of(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 30001 1",
                "   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 30002 1"),
                "tcp", false, true, sockets);
        SocketTable.parseInet(List.of(
                "   0: 00000000000000000000000001000000:0035 00000000000000000000000000000000:0000 07 0 0 0 0 0 30003"),
                "udp6", true, false, sockets);

        assertThat(sockets.get(20974L)).isEqualTo(new SocketTable.Socket("unix stream /run/app.sock listen", "", false));
        assertThat(sockets.get(20975L)).isEqualTo(new SocketTable.Socket("unix seqpacket connected", "", true));
        assertThat(sockets.get(20976L).description()).isEqualTo("unix dgram @abstract unconnected");
        assertThat(sockets.get(30001L)).isEqualTo(new SocketTable.Socket("tcp 127.0.0.1:8080 listen", "", false));
        assertThat(sockets.get(30002L)).isEqualTo(
                new SocketTable.Socket("tcp 127.0.0.1:8080 established", "127.0.0.1:50000", false));
        assertThat(sockets.get(30003L).description()).isEqualTo("udp6 [0:0:0:0:0:0:0:1]:53");
    }

    @Test
    void socketInode_target_isParsed() {
        assertThat(Inspector.socketInode("socket:[41312]")).isEqualTo(41312);
        assertThat(Inspector.socketInode("pipe:[1]")).isEqualTo(-1);
    }
}
