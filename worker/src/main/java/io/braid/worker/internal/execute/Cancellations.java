package io.braid.worker.internal.execute;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

/**
 * Which jobs are cancelled, and the branch calls running for each job here, so a cancel can interrupt them.
 * Fed by the control topic; asked by {@link BranchRunner} before every attempt. A cancel of round r applies to
 * rounds 1..r of the job; the most recent {@value #REMEMBERED_JOBS} cancelled jobs are remembered.
 */
public final class Cancellations {

    static final int REMEMBERED_JOBS = 100_000;

    private record Running(int round, Future<?> call) {
    }

    /** A tracked call; close it when the call is over. */
    public interface Tracked extends AutoCloseable {
        @Override
        void close();
    }

    private final Map<String, Integer> cancelledUpToRound = Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                    return size() > REMEMBERED_JOBS;
                }
            });
    private final Map<String, Set<Running>> running = new ConcurrentHashMap<>();

    public boolean isCancelled(String jobId, int round) {
        Integer upTo = cancelledUpToRound.get(jobId);
        return upTo != null && round <= upTo;
    }

    /** Cancels rounds 1..{@code round} of the job: later attempts are skipped, running calls interrupted. */
    public void cancel(String jobId, int round) {
        cancelledUpToRound.merge(jobId, round, Math::max);
        Set<Running> calls = running.get(jobId);
        if (calls != null) {
            for (Running call : calls) {
                if (call.round() <= round) {
                    call.call().cancel(true);
                }
            }
        }
    }

    /** Tracks a running call until the returned handle is closed; cancels it at once if its job already is. */
    public Tracked track(String jobId, int round, Future<?> call) {
        Running entry = new Running(round, call);
        running.computeIfAbsent(jobId, id -> ConcurrentHashMap.newKeySet()).add(entry);
        if (isCancelled(jobId, round)) {
            call.cancel(true);
        }
        return () -> running.computeIfPresent(jobId, (id, calls) -> {
            calls.remove(entry);
            return calls.isEmpty() ? null : calls;
        });
    }
}
