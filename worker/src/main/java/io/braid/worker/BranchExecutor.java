package io.braid.worker;

import io.braid.schema.BranchTask;

/**
 * Runs one attempt of one kind of branch. Throw langchain4j's {@code RetriableException} for failures that may
 * pass on a later attempt and {@code NonRetriableException} for the others; the worker's retry policy acts on that.
 * Implementations must stop promptly when their thread is interrupted (the branch timed out).
 */
public interface BranchExecutor {

    BranchOutput execute(BranchTask task) throws Exception;
}
