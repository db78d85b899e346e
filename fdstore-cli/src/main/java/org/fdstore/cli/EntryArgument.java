package org.fdstore.cli;

import org.fdstore.protocol.Selector;
import picocli.CommandLine.Parameters;

/** The {@code ID|NAME} argument of restore, take and remove (a picocli mixin). */
public final class EntryArgument {
    @Parameters(paramLabel = "ID|NAME", converter = SelectorConverter.class,
            description = "The entry: only digits is an id, anything else a name.")
    Selector selector;
}
