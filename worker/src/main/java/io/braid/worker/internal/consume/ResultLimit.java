package io.braid.worker.internal.consume;

import io.braid.schema.BranchError;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchStatus;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;

import java.util.List;

/**
 * The answers for a branch result that cannot be published as it is: a small FAILED result in its place, its output
 * and tool calls dropped, saying why. Never retriable: the same branch would produce as much again. The task is
 * then acknowledged (and dead-lettered), so a result too large to send cannot make its task come back forever.
 */
final class ResultLimit {

    /** The serialized result passed the worker's {@code --max-result-bytes}. */
    static final String OUTPUT_TOO_LARGE = "OutputTooLarge";
    /** Kafka refused the result as larger than the producer or topic allows. */
    static final String TOO_LARGE = "TooLarge";
    /** Kafka refused the result for another reason that will not pass (not valid, not authorised). */
    static final String PUBLISH_REFUSED = "PublishRefused";

    private ResultLimit() {
    }

    static BranchResult outputTooLarge(BranchResult result, int bytes, int maxBytes) {
        return failed(result, OUTPUT_TOO_LARGE, "the branch's result is " + bytes + " bytes serialized, over this "
                + "worker's limit of " + maxBytes + " bytes (--max-result-bytes, BRAID_MAX_RESULT_BYTES); its output "
                + "was dropped: make the output smaller, or have the branch return a reference to it");
    }

    static BranchResult refused(BranchResult result, int bytes, Throwable failure) {
        if (failure instanceof RecordTooLargeException || failure instanceof RecordBatchTooLargeException) {
            return failed(result, TOO_LARGE, "Kafka refused the branch's result of " + bytes + " bytes as too "
                    + "large (" + failure.getMessage() + "): the worker's max.request.size or the results topic's "
                    + "max.message.bytes is smaller; its output was dropped");
        }
        return failed(result, PUBLISH_REFUSED, "Kafka refused the branch's result: " + failure + "; its output "
                + "was dropped");
    }

    private static BranchResult failed(BranchResult result, String errorClass, String message) {
        String had = result.getStatus() == BranchStatus.SUCCEEDED ? ""
                : " (the branch had ended " + result.getStatus() + ")";
        return BranchResult.newBuilder(result).setStatus(BranchStatus.FAILED).setOutput(null)
                .setToolCalls(List.of()).setError(new BranchError(errorClass, message + had, false)).build();
    }
}
