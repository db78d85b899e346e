package org.fdstore.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.fdstore.linux.FileKind;
import org.junit.jupiter.api.Test;

class QualifiedNameTest {
    @Test
    void parse_firstSlashSplits_laterSlashesBelongToTheName() {
        assertThat(QualifiedName.parse("db")).isEqualTo(new QualifiedName("", "db"));
        assertThat(QualifiedName.parse("uid.1000/db")).isEqualTo(new QualifiedName("uid.1000", "db"));
        assertThat(QualifiedName.parse("fuse.7/node/42")).isEqualTo(new QualifiedName("fuse.7", "node/42"));
        assertThat(QualifiedName.parse("/db").isQualified()).isFalse();
        assertThat(QualifiedName.parse("db").in("uid.0")).isEqualTo(new QualifiedName("uid.0", "db"));
        assertThat(QualifiedName.parse("a/db").in("uid.0")).isEqualTo(new QualifiedName("a", "db"));
        assertThat(QualifiedName.parse("fuse.7/node/42")).hasToString("fuse.7/node/42");
    }

    @Test
    void whyInvalid_badNamespaceOrName_saysWhy() {
        assertThat(QualifiedName.parse("app/db").whyInvalid()).isEmpty();
        assertThat(QualifiedName.parse("/db").whyInvalid()).get().asString().contains("starts with '/'");
        assertThat(QualifiedName.parse("a b/db").whyInvalid()).get().asString().contains("' '");
        assertThat(QualifiedName.parse("app/").whyInvalid()).get().asString().contains("must not be empty");
        assertThat(QualifiedName.parse("app/123").whyInvalid()).get().asString().contains("only ASCII digits");
    }

    @Test
    void whyInvalidNamespace_limits() {
        assertThat(Names.whyInvalidNamespace("uid.1000")).isEmpty();
        assertThat(Names.whyInvalidNamespace("fuse.7:a@b_c-d")).isEmpty();
        assertThat(Names.whyInvalidNamespace("n".repeat(64))).isEmpty();
        assertThat(Names.whyInvalidNamespace("n".repeat(65))).get().asString().contains("longer than 64");
        assertThat(Names.whyInvalidNamespace("")).isPresent();
        assertThat(Names.whyInvalidNamespace("..")).get().asString().contains("reserved");
        assertThat(Names.whyInvalidNamespace("é")).get().asString().contains("U+00E9");
        assertThat(Names.whyInvalidNamespace("a*")).get().asString().contains("'*'");
    }

    @Test
    void entryInfo_nameAsSeenFrom_isBareInTheViewersNamespaceOnly() {
        EntryInfo e = new EntryInfo(1, "db", "uid.1000", FileKind.REGULAR, 0, 1, 1000, 1000, 0, "/x", new byte[0]);
        EntryInfo unnamed = new EntryInfo(2, "", "uid.1000", FileKind.REGULAR, 0, 1, 1000, 1000, 0, "/x",
                new byte[0]);

        assertThat(e.qualifiedName()).isEqualTo("uid.1000/db");
        assertThat(e.nameAsSeenFrom("uid.1000")).isEqualTo("db");
        assertThat(e.nameAsSeenFrom("uid.0")).isEqualTo("uid.1000/db");
        assertThat(unnamed.nameAsSeenFrom("uid.0")).isEmpty();
        assertThat(new EntryInfo(3, "db", FileKind.PIPE, 0, 1, 0, 0, 0, "", new byte[0]).namespace()).isEmpty();
    }

    @Test
    void lifetime_flagsAndText() {
        Lifetime l = new Lifetime(60_000, true, 5_000, true);

        assertThat(l.flags()).isEqualTo(Lifetime.OWNER_BOUND | Lifetime.KEEP_ON_HANGUP);
        assertThat(Lifetime.of(60_000, 5_000, 3)).isEqualTo(l);
        assertThat(l).hasToString("ttl=60000ms,owner-bound(grace=5000ms),keep-on-hangup");
        assertThat(Lifetime.DEFAULT).hasToString("until-removed,drop-on-hangup");
        assertThat(new Lifetime(0, true, -1, false).graceMillisUnsigned()).isEqualTo(0xFFFF_FFFFL);
    }
}
