package io.braid.worker.internal.flow;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The latencies of one model's last {@link #SIZE} successful calls on this worker, for hedging after the model's
 * observed p95. Fewer than {@link #MIN_SAMPLES} calls give no p95 (a hedge asking for it does not start). Lock-free:
 * every call of the model records here, thousands at once.
 */
public final class LatencyReservoir {

    static final int SIZE = 256;
    static final int MIN_SAMPLES = 20;

    private final AtomicLongArray millis = new AtomicLongArray(SIZE);
    private final AtomicLong count = new AtomicLong();

    public void record(Duration latency) {
        millis.set((int) (count.getAndIncrement() % SIZE), latency.toMillis());
    }

    /** The 95th percentile of the kept latencies; empty before {@link #MIN_SAMPLES} calls. */
    public Optional<Duration> p95() {
        long recorded = count.get();
        if (recorded < MIN_SAMPLES) {
            return Optional.empty();
        }
        long[] kept = new long[(int) Math.min(recorded, SIZE)];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = millis.get(i);
        }
        Arrays.sort(kept);
        int index = (int) Math.ceil(0.95 * kept.length) - 1;
        return Optional.of(Duration.ofMillis(kept[Math.max(0, index)]));
    }
}
