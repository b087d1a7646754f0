package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.ErrorClass;

import io.braid.schema.BranchError;
import io.braid.schema.BranchOutcome;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.ToolInvocation;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Keeps a job result within the record limit. A job result holds every branch's output and the aggregated output,
 * so it can outgrow a record even when each branch result fits; such a result cannot be published, and a result
 * that cannot be published must not stop the aggregator. It is answered instead: FAILED, with the outputs left out
 * and {@code ResultTooLarge} saying how large it was and which limit it passed.
 */
final class ResultSize {

    /** Room for the wire format's header and the record's framing. */
    private static final int HEADER_BYTES = 5;

    private ResultSize() {
    }

    static JobResult fit(JobResult result, int maxBytes) {
        if (upperBound(result) <= maxBytes) {
            return result;
        }
        long bytes = exactSize(result);
        if (bytes <= maxBytes) {
            return result;
        }
        JobResult smaller = JobResult.newBuilder(result).setStatus(JobStatus.FAILED).setOutput(null)
                .setAggregationError(new BranchError(ErrorClass.ResultTooLarge.name(), "the job result would be " + bytes + " bytes, over the "
                        + "record limit of " + maxBytes + " bytes (--record-bytes); its outputs are left out: make "
                        + "branch outputs smaller, or have the job return references", false))
                .setBranches(result.getBranches().stream().map(ResultSize::withoutOutput).toList()).build();
        return exactSize(smaller) <= maxBytes ? smaller : JobResult.newBuilder(smaller)
                .setBranches(java.util.List.of()).build();
    }

    private static BranchOutcome withoutOutput(BranchOutcome outcome) {
        return BranchOutcome.newBuilder(outcome).setOutput(null).setToolCalls(java.util.List.of()).build();
    }

    /**
     * A cheap bound on the serialized size: every character of every text at most 3 UTF-8 bytes, plus a generous
     * allowance per branch for the fixed fields. Most results are far below the limit and never serialized here.
     */
    static long upperBound(JobResult result) {
        long chars = length(result.getOutput()) + length(result.getJobId()) + 64L * result.getMetadata().size();
        for (var entry : result.getMetadata().entrySet()) {
            chars += length(entry.getKey()) + length(entry.getValue());
        }
        if (result.getAggregationError() != null) {
            chars += length(result.getAggregationError().getMessage());
        }
        if (result.getRejection() != null) {
            chars += length(result.getRejection().getMessage());
        }
        long perBranch = 256;
        for (BranchOutcome branch : result.getBranches()) {
            chars += length(branch.getBranchId()) + length(branch.getOutput()) + length(branch.getWorkerId())
                    + length(branch.getModel()) + length(branch.getProviderModel())
                    + (branch.getError() == null ? 0 : length(branch.getError().getMessage())
                    + length(branch.getError().getErrorClass()));
            for (ToolInvocation call : branch.getToolCalls()) {
                chars += length(call.getName()) + length(call.getArgumentsJson()) + length(call.getOutput())
                        + length(call.getError()) + 32;
            }
        }
        return 3 * chars + perBranch * result.getBranches().size() + 1024 + HEADER_BYTES;
    }

    static long exactSize(JobResult result) {
        long[] count = {HEADER_BYTES};
        OutputStream counter = new OutputStream() {
            @Override
            public void write(int b) {
                count[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                count[0] += len;
            }
        };
        try {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(counter, null);
            new SpecificDatumWriter<>(JobResult.class).write(result, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return count[0];
    }

    private static long length(CharSequence text) {
        return text == null ? 0 : text.length();
    }
}
