package org.fdstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManPagesTest {
    @TempDir
    Path dir;

    @Test
    void write_onePagePerVisibleCommand_fromTheHelpModel() throws Exception {
        ManPages.write(dir, "1.2.3");
        assertThat(dir.resolve("fdstore.1")).exists();
        assertThat(dir.resolve("fdstore-fs-mount.1")).exists();
        assertThat(dir.resolve("fdstore-fs-serve.1")).as("a hidden command").doesNotExist();
        String save = Files.readString(dir.resolve("fdstore-save.1"));
        assertThat(save).startsWith(".TH \"FDSTORE-SAVE\" 1 \"\" \"fdstore 1.2.3\"")
                .contains(".SH NAME\nfdstore\\-save \\- Save an fd and print its id")
                .contains(".TP\n\\fB\\-\\-name\\fR \\fINAME\\fR\nA unique name for the entry.\n")
                .contains("\\fBfdstore\\fR(1)");
        assertThat(Files.readString(dir.resolve("fdstore-daemon.1"))).doesNotContain("\\-\\-standby");
    }

    @Test
    void escape_keepsTroffFromReadingTextAsRequests() {
        assertThat(ManPages.escape(".hidden -x \\n")).isEqualTo("\\&.hidden \\-x \\en");
    }
}
