package org.fdstore.fuse.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.fdstore.fuse.FuseContext;
import org.fdstore.fuse.FuseRequest;
import org.fdstore.fuse.InitFlags;
import org.fdstore.fuse.InitResult;
import org.fdstore.linux.Errno;
import org.junit.jupiter.api.Test;

class InitNegotiationTest {
    /** Measured on this machine's 6.18 kernel: flags 0x73fffffb, flags2 0x000005fd. */
    static final long MEASURED = 0x73fffffbL | (0x5fdL << 32);

    static InitNegotiation.Outcome offer(int major, int minor, long flags, long wanted, long unwanted) {
        var init = new FuseRequest.Init(new FuseContext(1, 0, 0, 0, 0, List.of()), major, minor, 131072, flags);
        return InitNegotiation.negotiate(init, wanted, unwanted);
    }

    static InitResult agreed(int minor, long flags, long wanted, long unwanted) {
        return ((InitNegotiation.Outcome.Agreed) offer(7, minor, flags, wanted, unwanted)).result();
    }

    @Test
    void measuredOffer_agreesTheDefaultsItOffers() {
        InitResult r = agreed(45, MEASURED, 0, 0);
        assertThat(r.minor()).isEqualTo(45);
        assertThat(r.flags()).isEqualTo(InitFlags.ASYNC_READ | InitFlags.ATOMIC_O_TRUNC | InitFlags.EXPORT_SUPPORT
                | InitFlags.BIG_WRITES | InitFlags.DONT_MASK | InitFlags.AUTO_INVAL_DATA | InitFlags.DO_READDIRPLUS
                | InitFlags.READDIRPLUS_AUTO | InitFlags.ASYNC_DIO | InitFlags.PARALLEL_DIROPS
                | InitFlags.HANDLE_KILLPRIV_V2 | InitFlags.MAX_PAGES | InitFlags.CACHE_SYMLINKS
                | InitFlags.SETXATTR_EXT | InitFlags.INIT_EXT | InitFlags.CREATE_SUPP_GROUP | InitFlags.PASSTHROUGH
                | InitFlags.HAS_RESEND);
        assertThat(r.offeredFlags()).isEqualTo(MEASURED);
        assertThat(r.maxWrite()).isEqualTo(1 << 20);
        assertThat(r.maxPages()).isEqualTo(256);
        assertThat(r.maxStackDepth()).isEqualTo(1);
        assertThat(r.maxReadahead()).isEqualTo(131072);
        assertThat(r.timeGran()).isEqualTo(1);
    }

    @Test
    void posixAclAndWritebackCache_onlyWhenAsked_andWritebackDisablesPassthrough() {
        InitResult r = agreed(45, MEASURED, InitFlags.POSIX_ACL | InitFlags.WRITEBACK_CACHE, 0);
        assertThat(r.has(InitFlags.POSIX_ACL | InitFlags.WRITEBACK_CACHE)).isTrue();
        assertThat(r.has(InitFlags.PASSTHROUGH)).isFalse();
        assertThat(r.maxStackDepth()).isZero();
    }

    @Test
    void unwanted_isNotAgreed_andWantedButNotOffered_isNot() {
        InitResult r = agreed(45, MEASURED, InitFlags.FLOCK_LOCKS | InitFlags.OVER_IO_URING, InitFlags.PASSTHROUGH);
        assertThat(r.has(InitFlags.PASSTHROUGH)).isFalse();
        assertThat(r.has(InitFlags.FLOCK_LOCKS)).isTrue();
        assertThat(r.has(InitFlags.OVER_IO_URING)).as("not offered here").isFalse();
        assertThat(r.maxStackDepth()).isZero();
    }

    @Test
    void newerKernel_agreesOurMinor_olderKernel_itsOwn() {
        assertThat(agreed(50, MEASURED, 0, 0).minor()).isEqualTo(45);
        assertThat(agreed(50, MEASURED, 0, 0).kernelMinor()).isEqualTo(50);
        assertThat(agreed(38, MEASURED, 0, 0).minor()).isEqualTo(38);
    }

    @Test
    void withoutMaxPages_maxWriteIs128KiB_withoutInitExt_noHighFlags() {
        InitResult r = agreed(35, 0x73fffffbL & ~InitFlags.MAX_PAGES & ~InitFlags.INIT_EXT, 0, 0);
        assertThat(r.maxWrite()).isEqualTo(128 << 10);
        assertThat(r.maxPages()).isZero();
        assertThat(r.flags() >>> 32).isZero();
    }

    @Test
    void otherMajors_versionOnlyOrRefused() {
        assertThat(offer(8, 0, 0, 0, 0)).isEqualTo(new InitNegotiation.Outcome.VersionOnly(7, 45));
        assertThat(offer(6, 9, 0, 0, 0)).isInstanceOfSatisfying(InitNegotiation.Outcome.Refused.class,
                r -> assertThat(r.errno()).isEqualTo(Errno.EPROTO));
        assertThat(offer(7, 30, MEASURED, 0, 0)).isInstanceOfSatisfying(InitNegotiation.Outcome.Refused.class,
                r -> assertThat(r.reason()).contains("7.31 or later"));
    }
}
