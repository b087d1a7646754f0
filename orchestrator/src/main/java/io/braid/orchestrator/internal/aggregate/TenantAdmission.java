package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.SlotGrant;
import io.braid.schema.SlotHolder;
import io.braid.schema.SlotMessage;
import io.braid.schema.SlotRelease;
import io.braid.schema.SlotRequest;
import io.braid.schema.TenantSlots;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One tenant's admission as a pure function: given the tenant's slots (every job round that asked, what each holds
 * and still wants) and one message from the join, the next slots and the grants to send. Kafka-free, like
 * {@link JobJoin}; {@link TenantAdmissionProcessor} runs it on the tenant-slots topic, keyed by tenant, so one task
 * sees all of a tenant's jobs whatever partitions they are joined on.
 *
 * <p>Rules: slots in use (the sum of what the rounds hold) never exceed the cap; free slots go to the waiting rounds
 * by priority (HIGH first), then submission, then job id, each up to its own window and what it still wants; a
 * release frees at most what its round holds (never a negative count) and one the admission cannot match changes
 * nothing; a withdraw frees everything its round holds and forgets it; a request already held (redelivered) changes
 * nothing. {@code cap} is read from the operator's policy when the message is processed (null: no cap — every
 * request is granted in full).
 */
final class TenantAdmission {

    /** The next slots, the grants they cause, and why a message was ignored (null when it was not). */
    record Step(TenantSlots slots, List<SlotGrant> grants, String ignored) {
    }

    /** Waiting order: HIGH before NORMAL before LOW, then earlier submission, then job id. */
    static final Comparator<SlotHolder> ORDER = Comparator
            .comparing((SlotHolder h) -> -h.getPriority().ordinal())
            .thenComparing(SlotHolder::getSubmittedAt)
            .thenComparing(SlotHolder::getJobId)
            .thenComparingInt(SlotHolder::getRound);

    private TenantAdmission() {
    }

    static TenantSlots empty(String tenant) {
        return TenantSlots.newBuilder().setTenant(tenant).build();
    }

    static Step apply(TenantSlots state, SlotMessage message, Integer cap) {
        List<SlotHolder> holders = new ArrayList<>();
        state.getHolders().forEach(h -> holders.add(SlotHolder.newBuilder(h).build()));
        String ignored = switch (message.getBody()) {
            case SlotRequest request -> request(holders, request);
            case SlotRelease release -> release(holders, release);
            default -> "unknown slot message " + message.getBody();
        };
        List<SlotGrant> grants = grant(state.getTenant(), holders, cap);
        return new Step(TenantSlots.newBuilder(state).setHolders(holders).build(), grants, ignored);
    }

    /** Slots the tenant's rounds hold now. */
    static int inUse(TenantSlots slots) {
        return slots.getHolders().stream().mapToInt(SlotHolder::getHeld).sum();
    }

    /** Rounds that still want a slot. */
    static int waiting(TenantSlots slots) {
        return (int) slots.getHolders().stream().filter(h -> h.getWanted() > 0).count();
    }

    private static String request(List<SlotHolder> holders, SlotRequest request) {
        if (request.getWanted() < 0 || request.getWindow() < 1) {
            return "slot request of job '" + request.getJobId() + "' wants " + request.getWanted() + " in a window of "
                    + request.getWindow() + ": ignored";
        }
        if (find(holders, request.getJobId(), request.getRound()) != null) {
            return null; // the same request again: already held
        }
        // An older round of the job that never withdrew is over: a round opens only once the previous one ended.
        holders.removeIf(h -> h.getJobId().equals(request.getJobId()) && h.getRound() < request.getRound());
        holders.add(SlotHolder.newBuilder().setJobId(request.getJobId()).setRound(request.getRound())
                .setPriority(request.getPriority()).setSubmittedAt(request.getSubmittedAt())
                .setWanted(request.getWanted()).setWindow(request.getWindow()).setHeld(0).build());
        return null;
    }

    private static String release(List<SlotHolder> holders, SlotRelease release) {
        SlotHolder holder = find(holders, release.getJobId(), release.getRound());
        if (holder == null) {
            return release.getWithdraw() ? null : "release of " + release.getSlots() + " slot(s) by job '"
                    + release.getJobId() + "' round " + release.getRound() + ", which holds none: ignored";
        }
        if (release.getWithdraw()) {
            holders.remove(holder);
            return null;
        }
        if (release.getSlots() < 1 || release.getSlots() > holder.getHeld()) {
            int freed = Math.max(0, Math.min(release.getSlots(), holder.getHeld()));
            holder.setHeld(holder.getHeld() - freed);
            return "release of " + release.getSlots() + " slot(s) by job '" + release.getJobId() + "' round "
                    + release.getRound() + ", which holds " + (holder.getHeld() + freed) + ": freed " + freed;
        }
        holder.setHeld(holder.getHeld() - release.getSlots());
        return null;
    }

    /** Gives the free slots to the waiting rounds in {@link #ORDER}, each up to its window and what it wants. */
    private static List<SlotGrant> grant(String tenant, List<SlotHolder> holders, Integer cap) {
        long free = cap == null ? Long.MAX_VALUE : cap - (long) holders.stream().mapToInt(SlotHolder::getHeld).sum();
        List<SlotGrant> grants = new ArrayList<>();
        for (SlotHolder holder : holders.stream().sorted(ORDER).toList()) {
            if (free <= 0) {
                break;
            }
            int give = (int) Math.min(free, Math.min(holder.getWanted(), holder.getWindow() - holder.getHeld()));
            if (give > 0) {
                holder.setWanted(holder.getWanted() - give);
                holder.setHeld(holder.getHeld() + give);
                free -= give;
                grants.add(SlotGrant.newBuilder().setTenant(tenant).setJobId(holder.getJobId())
                        .setRound(holder.getRound()).setSlots(give).build());
            }
        }
        return grants;
    }

    private static SlotHolder find(List<SlotHolder> holders, String jobId, int round) {
        return holders.stream().filter(h -> h.getJobId().equals(jobId) && h.getRound() == round).findFirst()
                .orElse(null);
    }
}
