package org.fdstore.daemon.systemd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.fdstore.daemon.observe.EventLog;
import org.fdstore.daemon.policy.Access;
import org.fdstore.daemon.policy.PeerIdentity;
import org.fdstore.daemon.policy.Policy;
import org.fdstore.daemon.policy.Right;
import org.fdstore.daemon.registry.Entry;
import org.fdstore.daemon.registry.Refusal;
import org.fdstore.daemon.server.Closer;
import org.fdstore.daemon.server.ReadableHandler;
import org.fdstore.daemon.server.Store;
import org.fdstore.linux.Datagram;
import org.fdstore.linux.Errno;
import org.fdstore.linux.Fd;
import org.fdstore.linux.FdDescription;
import org.fdstore.linux.LinuxException;
import org.fdstore.linux.PeerCredentials;
import org.fdstore.linux.Received;
import org.fdstore.linux.Socket;
import org.fdstore.protocol.Lifetime;
import org.fdstore.protocol.Names;

/**
 * Serves the notify socket on the daemon's event loop: reads sd_notify datagrams and carries them out against the
 * store, as systemd's fd store would.
 * <ul>
 *   <li>{@code FDSTORE=1}: each attached fd becomes an entry named FDNAME (default {@code stored}) in the sender's
 *       default namespace, beside any entries of the same name; with {@code FDPOLL=0} it is kept on hang-up.</li>
 *   <li>{@code FDSTOREREMOVE=1} with FDNAME: every entry of that name in that namespace goes.</li>
 *   <li>Other keys are recorded in {@link NotifyState}.</li>
 * </ul>
 * The sender is authorised from the datagram's SCM_CREDENTIALS under the policy, as a SAVE or REMOVE over the store
 * socket would be. A datagram that is malformed, has no credentials, or asks for what the sender may not do is
 * logged and dropped whole: nothing changes and its fds are closed. Quotas and capacity are checked per fd: the
 * fds stored before one is refused stay, the refused one and the rest are closed (systemd also stores what fits).
 * Each uid may have a number of datagrams carried out per second ({@link NotifyRateLimit}); the rest are dropped with
 * their fds, and the first drop of each second is logged ({@code notify_rate_limited}).
 *
 * <p>Not thread safe: runs on the event loop, which owns the store.
 */
public final class NotifyReceiver implements ReadableHandler {
    /** Longer datagrams are truncated by the kernel (MSG_TRUNC) and dropped. */
    static final int MAX_DATAGRAM = 8192;
    private static final int READS_PER_TURN = 64;

    private final Fd socket;
    private final Store store;
    private final EventLog log;
    private final NotifyState state;
    private final NotifyRateLimit rateLimit;
    private final MemorySegment buffer = Arena.ofAuto().allocate(MAX_DATAGRAM, 8);

    /**
     * Serves {@code socket} (owned by the caller) against {@code store}, recording into {@code state}, carrying out
     * at most {@code perSecond} datagrams of each uid per second.
     */
    public NotifyReceiver(Fd socket, Store store, EventLog log, NotifyState state, int perSecond) {
        this.socket = socket;
        this.store = store;
        this.log = log;
        this.state = state;
        this.rateLimit = new NotifyRateLimit(perSecond, System::nanoTime);
    }

    @Override
    public void readable(int events) {
        for (int i = 0; i < READS_PER_TURN; i++) {
            Datagram datagram;
            try {
                datagram = Socket.recvmsgWithCredentials(socket, buffer, Socket.MSG_DONTWAIT);
            } catch (LinuxException e) {
                // EPROTO: control data truncated; the kernel dropped fds and recvmsg closed those that came.
                log.log("notify_dropped", "reason", e.getMessage(), "result", e.errno().name());
                if (e.errno() != Errno.EPROTO) return;
                continue;
            }
            if (datagram == null) return;
            List<Fd> kept = new ArrayList<>();
            try {
                handle(datagram, kept);
            } catch (RuntimeException e) {
                log.log("notify_dropped", "reason", "internal error: " + e, "result", "EIO");
            } finally {
                for (Fd fd : datagram.message().fds()) if (!kept.contains(fd)) Closer.close(fd);
            }
        }
    }

    /** Carries out one datagram; the fds it stores are added to {@code kept}, the caller closes the others. */
    private void handle(Datagram datagram, List<Fd> kept) {
        Received message = datagram.message();
        PeerCredentials sender = datagram.credentials();
        int fds = message.fds().size();
        if (sender != null && !admitted(sender, fds)) return;
        if (message.truncated()) {
            drop(sender, fds, Errno.EMSGSIZE, "datagram longer than " + MAX_DATAGRAM + " bytes");
            return;
        }
        if (sender == null) {
            drop(null, fds, Errno.EACCES, "no SCM_CREDENTIALS came with the datagram: the sender cannot be"
                    + " identified");
            return;
        }
        NotifyMessage notify;
        try {
            notify = NotifyMessage.parse(buffer.asByteBuffer().limit((int) message.length()));
        } catch (NotifyMessage.Malformed e) {
            drop(sender, fds, Errno.EINVAL, "malformed datagram: " + e.getMessage());
            return;
        }
        boolean storeFds = notify.isSet("FDSTORE");
        boolean remove = notify.isSet("FDSTOREREMOVE");
        if (remove && notify.get("FDNAME") == null) {
            drop(sender, fds, Errno.EINVAL, "FDSTOREREMOVE=1 needs FDNAME");
            return;
        }
        PeerIdentity identity = PeerIdentity.readSender(sender);
        Access access = new Access(identity);
        Policy policy = store.policy();
        String namespace = access.defaultNamespace(policy);
        String badNamespace = Names.whyInvalidNamespace(namespace).orElse(null);
        if ((storeFds || remove) && badNamespace != null) {
            drop(sender, fds, Errno.EINVAL, "the sender's default namespace is unusable: " + badNamespace);
            return;
        }
        if (storeFds && !access.may(policy, Right.SAVE, namespace)) {
            refuse(sender, identity, "notify_store", namespace, fds, "uid " + Integer.toUnsignedString(sender.uid())
                    + " may not save in namespace \"" + namespace + "\"");
            return;
        }
        if (remove && !access.may(policy, Right.REMOVE, namespace)) {
            refuse(sender, identity, "notify_remove", namespace, fds, "uid " + Integer.toUnsignedString(sender.uid())
                    + " may not remove entries of namespace \"" + namespace + "\"");
            return;
        }
        if (state.record(sender.pid(), notify)) {
            log.log("notify", "pid", sender.pid(), "uid", Integer.toUnsignedString(sender.uid()),
                    "keys", String.join(",", notify.fields().keySet()));
        }
        if (remove) removeNamed(sender, namespace, notify.fdName());
        if (storeFds) {
            storeAll(sender, namespace, notify, message.fds(), kept);
        } else if (fds > 0) {
            log.log("notify_fds_closed", "pid", sender.pid(), "uid", Integer.toUnsignedString(sender.uid()),
                    "fds", fds, "reason", "fds came without FDSTORE=1");
        }
    }

    /** Whether the rate limit lets {@code sender}'s datagram through; logs the first drop of each window. */
    private boolean admitted(PeerCredentials sender, int fds) {
        NotifyRateLimit.Decision decision = rateLimit.admit(sender.uid());
        if (decision == NotifyRateLimit.Decision.DROP_AND_LOG) {
            log.log("notify_rate_limited", "pid", sender.pid(), "uid", Integer.toUnsignedString(sender.uid()),
                    "limit", rateLimit.perSecond(), "interval_ms", NotifyRateLimit.WINDOW_NANOS / 1_000_000,
                    "dropped_total", rateLimit.droppedTotal(sender.uid()), "result", Errno.EAGAIN.name(),
                    "reason", "more than " + rateLimit.perSecond() + " datagrams in a second from this uid: the"
                            + " rest of this second's are dropped, their fds closed (--notify-rate)",
                    "fds_closed", fds);
        }
        return decision == NotifyRateLimit.Decision.ADMIT;
    }

    private void removeNamed(PeerCredentials sender, String namespace, String name) {
        List<Entry> named = store.named(namespace, name);
        for (Entry e : named) {
            store.release(e);
            store.audit().entry("notify_remove", "pid", sender.pid(), "uid", Integer.toUnsignedString(sender.uid()),
                    "id", e.id(), "namespace", namespace, "name", name, "kind", e.kind().label(),
                    "result", "ok");
        }
        if (named.isEmpty()) {
            log.debug("notify_remove", "pid", sender.pid(), "uid", Integer.toUnsignedString(sender.uid()),
                    "namespace", namespace, "name", name, "removed", 0, "result", "ok");
        }
    }

    private void storeAll(PeerCredentials sender, String namespace, NotifyMessage notify, List<Fd> fds, List<Fd> kept) {
        String name = notify.fdName();
        Lifetime lifetime = new Lifetime(0, false, 0, "0".equals(notify.get("FDPOLL")));
        for (int i = 0; i < fds.size(); i++) {
            Fd fd = fds.get(i);
            try {
                FdDescription description;
                try {
                    description = fd.describe();
                } catch (LinuxException e) {
                    throw new Refusal(e.errno(), "cannot describe an fd that came with FDSTORE=1: " + e.getMessage());
                }
                Entry entry = store.addShared(sender, fd, description, namespace, name, lifetime);
                kept.add(fd);
                store.audit().entry("notify_store", "pid", sender.pid(), "uid", Integer.toUnsignedString(sender.uid()),
                        "id", entry.id(), "namespace", namespace, "name", name, "kind", description.kind().label(),
                        "lifetime", lifetime, "result", "ok");
            } catch (Refusal refusal) {
                store.audit().refusal(sender.uid(), "notify_store", "pid", sender.pid(),
                        "uid", Integer.toUnsignedString(sender.uid()), "namespace", namespace, "name", name,
                        "result", refusal.errno().name(), "reason", refusal.getMessage(), "stored", i,
                        "fds_closed", fds.size() - i);
                return;
            }
        }
    }

    private void refuse(PeerCredentials sender, PeerIdentity identity, String operation, String namespace, int fds,
                        String why) {
        store.audit().refusal(sender.uid(), operation, "pid", sender.pid(), "uid", Integer.toUnsignedString(sender.uid()),
                "namespace", namespace, "verified", identity.verified(), "result", Errno.EACCES.name(), "reason", why,
                "fds_closed", fds);
    }

    private void drop(PeerCredentials sender, int fds, Errno errno, String why) {
        log.log("notify_dropped", "pid", sender == null ? null : sender.pid(),
                "uid", sender == null ? null : Integer.toUnsignedString(sender.uid()), "result", errno.name(),
                "reason", why, "fds_closed", fds);
    }
}
