package io.braid.worker.internal.flow;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * The latencies of one model's last {@link #SIZE} successful calls on this worker, for hedging after the model's
 * observed p95. Fewer than {@link #MIN_SAMPLES} calls give no p95 (a hedge asking for it does not start).
 */
public final class LatencyReservoir {

    static final int SIZE = 256;
    static final int MIN_SAMPLES = 20;

    private final long[] millis = new long[SIZE];
    private long count;

    public synchronized void record(Duration latency) {
        millis[(int) (count++ % SIZE)] = latency.toMillis();
    }

    /** The 95th percentile of the kept latencies; empty before {@link #MIN_SAMPLES} calls. */
    public Optional<Duration> p95() {
        long[] kept;
        synchronized (this) {
            if (count < MIN_SAMPLES) {
                return Optional.empty();
            }
            kept = Arrays.copyOf(millis, (int) Math.min(count, SIZE));
        }
        Arrays.sort(kept);
        int index = (int) Math.ceil(0.95 * kept.length) - 1;
        return Optional.of(Duration.ofMillis(kept[Math.max(0, index)]));
    }
}
