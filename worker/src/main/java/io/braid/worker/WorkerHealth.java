package io.braid.worker;

/**
 * What a worker's health endpoints ({@code /health/live}, {@code /health/ready}) report, and
 * {@link Worker#health()} returns.
 *
 * @param live        false once a part of the worker died unexpectedly (restart it)
 * @param ready       true once every consumer joined the share group — or was refused by a full group, as long as one
 *                    joined — while the worker takes work and no problem is reported
 * @param state       the worker's {@link Worker.State} by name
 * @param inFlight    branches running now
 * @param maxInFlight the most branches the worker runs at once
 * @param problem     why the worker is not ready (or not live), by the part that reported it, or why it serves with
 *                    fewer consumers than it runs (a full share group refused some); null when nothing is wrong
 */
public record WorkerHealth(boolean live, boolean ready, String state, int inFlight, int maxInFlight, String problem) {

    /** Health with no problem. */
    public WorkerHealth(boolean live, boolean ready, String state, int inFlight, int maxInFlight) {
        this(live, ready, state, inFlight, maxInFlight, null);
    }
}
