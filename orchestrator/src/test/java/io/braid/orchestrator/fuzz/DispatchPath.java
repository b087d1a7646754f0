package io.braid.orchestrator.fuzz;

import io.braid.orchestrator.internal.aggregate.Aggregation;
import io.braid.orchestrator.internal.dispatch.FanOut;
import io.braid.orchestrator.internal.dispatch.Identifiers;
import io.braid.orchestrator.internal.dispatch.InvalidJobException;
import io.braid.orchestrator.internal.dispatch.JobDecoder;
import io.braid.orchestrator.internal.dispatch.JobValidator;
import io.braid.schema.JobRequest;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.testing.InMemorySchemaRegistry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What the dispatcher does with a job record, for the fuzz targets: decode, check, validate, fan out. */
final class DispatchPath {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final JobDecoder DECODER = new JobDecoder(new AvroDeserializer<>(new InMemorySchemaRegistry(),
            JobRequest.class));
    private static final JobValidator VALIDATOR = new JobValidator(Aggregation.SUPPORTED, 1000);

    private DispatchPath() {
    }

    /**
     * The record's fan-out, checked to start with the job's own manifest; empty when the job has problems.
     *
     * @throws InvalidJobException the dispatcher's documented refusal
     */
    static List<FanOut> fanOut(byte[] record) {
        JobRequest job = DECODER.decode("braid.jobs", record);
        List<String> problems = new ArrayList<>(Identifiers.clientProblems(job));
        if (problems.isEmpty()) {
            problems.addAll(VALIDATOR.problems(job));
        }
        if (!problems.isEmpty()) {
            return List.of();
        }
        VALIDATOR.checkPolicy(job);
        List<FanOut> fanOut = FanOut.tree(job, T0, T0, "braid.jobs-0@0");
        if (fanOut.isEmpty() || !fanOut.get(0).manifest().getJobId().equals(job.getJobId())) {
            throw new AssertionError("a valid job fans out to its own manifest first");
        }
        return fanOut;
    }
}
