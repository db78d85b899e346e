package org.fdstore.daemon.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GlobTest {
    @Test
    void matches_starsAndQuestionMarks_matchAsInAShell() {
        assertThat(Glob.matches("*", "")).isTrue();
        assertThat(Glob.matches("*", "anything/at.all")).isTrue();
        assertThat(Glob.matches("fuse.*", "fuse.42")).isTrue();
        assertThat(Glob.matches("fuse.*", "fuse")).isFalse();
        assertThat(Glob.matches("uid.100?", "uid.1000")).isTrue();
        assertThat(Glob.matches("uid.100?", "uid.10000")).isFalse();
        assertThat(Glob.matches("/machine.slice/*/app", "/machine.slice/a/b/app")).isTrue();
        assertThat(Glob.matches("a*b*c", "aXXbYYbZZc")).isTrue();
        assertThat(Glob.matches("a*b*c", "aXXbYY")).isFalse();
        assertThat(Glob.matches("team", "teams")).isFalse();
    }
}
