package org.fdstore.daemon.server;

import org.fdstore.linux.Fd;
import org.fdstore.linux.FdDescription;
import org.fdstore.protocol.Lifetime;

/**
 * A SAVE (or SAVE_MANY item) that passed the checks independent of the store's state, ready for {@link Store#add}.
 *
 * @param fd the fd to store; the caller's until stored
 * @param description what the fd refers to
 * @param namespace the resolved namespace
 * @param name the name within it, "" for none
 * @param metadata the metadata, owned by the entry once stored
 * @param lifetime the lifetime chosen
 */
record PreparedSave(Fd fd, FdDescription description, String namespace, String name, byte[] metadata,
                    Lifetime lifetime) {}
