package io.braid.worker.fleet;

import java.time.Duration;
import java.util.List;

/** Counting calls over sliding windows, as a provider that limits per window counts them. */
public final class SlidingWindows {

    private SlidingWindows() {
    }

    /** The most of {@code sortedNanos} (timestamps in order) that fall within any {@code window}. */
    public static int busiest(List<Long> sortedNanos, Duration window) {
        int most = 0;
        for (int first = 0, last = 0; first < sortedNanos.size(); first++) {
            while (last < sortedNanos.size() && sortedNanos.get(last) - sortedNanos.get(first) < window.toNanos()) {
                last++;
            }
            most = Math.max(most, last - first);
        }
        return most;
    }
}
