package io.braid.worker.internal.flow;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.ShareMemberDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleConsumer;

/**
 * This worker's share of the fleet, from the live members of the workers' share group as the broker describes them:
 * {@code own / (others + own)}, where {@code own} is this worker's share consumers ({@code WorkerOptions.consumers()},
 * less those a full share group refuses now) and {@code others} the group's members whose client id is not this worker's ({@code <workerId>-<index>}). Every
 * worker runs the same formula over the same membership, so the shares add up to one without a coordinator. Read
 * on its own daemon thread, first every {@link #FIRST_REFRESH}, then twice as long after each read that finds the
 * membership unchanged, up to {@code refresh}; a change (a worker joining or leaving) goes back to
 * {@link #FIRST_REFRESH}. So workers that start together (each alone at first, share 1) see each other within a
 * second, and a joiner is seen by the others within one {@code refresh}. A failed read keeps the last share.
 */
public final class MemberShare implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MemberShare.class);
    private static final Duration DESCRIBE_TIMEOUT = Duration.ofSeconds(10);
    /**
     * The first interval between reads, and again after a change: short, because until a worker sees the others it
     * takes too large a share and the fleet may overrun the provider's limit; a describe per half second per worker
     * lasts only while the membership moves.
     */
    static final Duration FIRST_REFRESH = Duration.ofMillis(500);

    private final Admin admin;
    private final String groupId;
    private final String workerId;
    private final java.util.function.IntSupplier ownConsumers;
    private final Duration refresh;
    private final DoubleConsumer onShare;
    private volatile Thread thread;
    private volatile boolean closed;
    private boolean described;
    private double lastShare = Double.NaN;

    /** @param onShare hears each share read (0 exclusive to 1) */
    public MemberShare(Admin admin, String groupId, String workerId, int ownConsumers, Duration refresh,
                       DoubleConsumer onShare) {
        this(admin, groupId, workerId, () -> ownConsumers, refresh, onShare);
    }

    /**
     * @param ownConsumers this worker's share consumers in the group now: those a full group refused do not count
     * @param onShare      hears each share read (0 exclusive to 1)
     */
    public MemberShare(Admin admin, String groupId, String workerId, java.util.function.IntSupplier ownConsumers,
                       Duration refresh, DoubleConsumer onShare) {
        this.admin = admin;
        this.groupId = groupId;
        this.workerId = workerId;
        this.ownConsumers = ownConsumers;
        this.refresh = refresh;
        this.onShare = onShare;
    }

    /**
     * Reads the membership once now (so a worker joining a busy fleet starts at its share, not at the whole limit),
     * then every {@code refresh} on a daemon thread.
     */
    public MemberShare start() {
        readOnce();
        thread = Thread.ofPlatform().daemon().name(workerId + "-member-share").start(this::run);
        return this;
    }

    /** The wait before the next read: {@link #FIRST_REFRESH} after a change, else twice the last, up to refresh. */
    static Duration nextRefresh(Duration last, boolean changed, Duration refresh) {
        Duration first = FIRST_REFRESH.compareTo(refresh) < 0 ? FIRST_REFRESH : refresh;
        if (changed || last == null) {
            return first;
        }
        Duration doubled = last.multipliedBy(2);
        return doubled.compareTo(refresh) < 0 ? doubled : refresh;
    }

    /** This worker's share, given the group's members' client ids. */
    static double share(Collection<String> memberClientIds, String workerId, int ownConsumers) {
        String prefix = workerId + "-";
        long others = memberClientIds.stream().filter(id -> id == null || !id.startsWith(prefix)).count();
        return (double) ownConsumers / (others + ownConsumers);
    }

    private void run() {
        Duration wait = nextRefresh(null, true, refresh);
        while (!closed) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                return;
            }
            double before = lastShare;
            if (!readOnce()) {
                return;
            }
            wait = nextRefresh(wait, lastShare != before, refresh);
        }
    }

    /** Reads the membership and reports the share; false when interrupted. */
    private boolean readOnce() {
        try {
            double share = share(members(), workerId, Math.max(1, ownConsumers.getAsInt()));
            onShare.accept(share);
            lastShare = share;
            described = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (RuntimeException | java.util.concurrent.ExecutionException
                 | java.util.concurrent.TimeoutException e) {
            // before the first answer the group may not exist yet (no worker joined): this worker is alone so far
            if (described) {
                described = false;
                log.warn("cannot describe share group {} for this worker's share of the rate limits (keeping the "
                        + "last share until it answers again): {}", groupId, e.toString());
            } else {
                log.debug("cannot describe share group {}: {}", groupId, e.toString());
            }
        }
        return true;
    }

    private List<String> members() throws InterruptedException, java.util.concurrent.ExecutionException,
            java.util.concurrent.TimeoutException {
        ShareGroupDescription group = admin.describeShareGroups(List.of(groupId)).describedGroups().get(groupId)
                .get(DESCRIBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return group.members().stream().map(ShareMemberDescription::clientId).toList();
    }

    @Override
    public void close() {
        closed = true;
        Thread running = thread;
        if (running != null) {
            running.interrupt();
            try {
                running.join(DESCRIBE_TIMEOUT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        admin.close(Duration.ofSeconds(5));
    }
}
