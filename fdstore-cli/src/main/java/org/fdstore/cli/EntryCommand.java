package org.fdstore.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** A command on one entry, named by its {@code ID|NAME} argument: restore, take and remove. */
abstract class EntryCommand implements Callable<Integer> {
    @ParentCommand
    FdstoreCommand root;

    @Mixin
    EntryArgument entry;
}
