package io.braid.worker.internal.flow;

/**
 * The output tokens a call of one model is expected to produce when neither the call nor the model sets an output
 * limit: a moving average of the outputs the provider reported for this model's calls on this worker, starting at
 * {@link Tokens#DEFAULT_OUTPUT_ESTIMATE}.
 *
 * <p>Why learn it: a call reserves its estimate under the token limit until its usage settles it. An estimate far
 * above the real output (256 against an answer of 20 tokens) holds back allowance for as long as calls are in flight;
 * the calls waiting for their turn sleep until the time the reserved schedule named, so what the settles give back
 * while they sleep is lost, and the fleet runs below its limit. An estimate far below the output lets in-flight calls
 * overrun the limit until they settle. The average makes both errors small and cancel out; a limit, when one is set,
 * still counts in full, as providers count it.
 */
final class OutputEstimate {

    /** The weight of each new output in the average: about the last 16 calls count, so it follows a new workload fast. */
    static final double WEIGHT = 1.0 / 16;

    private double mean = Tokens.DEFAULT_OUTPUT_ESTIMATE;

    /** A call of the model produced {@code outputTokens}. */
    synchronized void observe(long outputTokens) {
        mean += WEIGHT * (Math.max(0, outputTokens) - mean);
    }

    /** The output tokens to reserve for a call without an output limit: the average, rounded up, at least 1. */
    synchronized int tokens() {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.ceil(mean)));
    }
}
