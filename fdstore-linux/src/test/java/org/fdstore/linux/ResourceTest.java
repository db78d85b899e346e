package org.fdstore.linux;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResourceTest extends LeakChecked {
    @Test
    void raiseOpenFileLimit_belowTheHardLimit_raisesTheSoftLimitToIt() throws Exception {
        Resource.Limit before = Resource.openFileLimits();
        assertThat(before.hard()).isGreaterThanOrEqualTo(before.soft());
        try {
            Resource.setOpenFileLimits(new Resource.Limit(before.hard() - 100, before.hard()));
            assertThat(Resource.openFileLimit()).isEqualTo(before.hard() - 100);
            assertThat(Resource.raiseOpenFileLimit()).isEqualTo(before.hard());
            assertThat(Resource.openFileLimits()).isEqualTo(new Resource.Limit(before.hard(), before.hard()));
        } finally {
            Resource.setOpenFileLimits(before);
        }
    }

    @Test
    void setOpenFileLimits_softAboveHard_failsWithEinvalAndChangesNothing() throws Exception {
        Resource.Limit before = Resource.openFileLimits();
        LinuxException e = failsWith(Errno.EINVAL,
                () -> Resource.setOpenFileLimits(new Resource.Limit(before.hard(), before.hard() - 1)));
        assertThat(e.getMessage()).contains("setrlimit(RLIMIT_NOFILE");
        assertThat(Resource.openFileLimits()).isEqualTo(before);
    }
}
