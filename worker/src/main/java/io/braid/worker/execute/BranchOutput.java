package io.braid.worker.execute;

/** What a branch produced: its text output, and for model calls the model and token counts. */
public record BranchOutput(String text, String model, Integer inputTokens, Integer outputTokens) {

    public static BranchOutput text(String text) {
        return new BranchOutput(text, null, null, null);
    }
}
