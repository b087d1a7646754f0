package io.braid.orchestrator.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
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

/**
 * Any bytes a client may write as a job record, through what the dispatcher does with them: decode, check the
 * client's fields, validate, fan out. The only way out besides a fan-out is {@link InvalidJobException}, the
 * dispatcher's documented refusal; anything else escaping is a bug Jazzer reports with the input.
 *
 * <p>In a plain test run (and CI) this replays the inputs under {@code src/test/resources/.../JobRecordFuzzTestInputs}
 * and runs a short fuzzing session (see the orchestrator's pom); {@code JAZZER_FUZZ=1} with a longer
 * {@code -Djazzer.max_duration} fuzzes for longer (README, "Fuzzing").
 */
class JobRecordFuzzTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final JobDecoder DECODER = new JobDecoder(new AvroDeserializer<>(new InMemorySchemaRegistry(),
            JobRequest.class));
    private static final JobValidator VALIDATOR = new JobValidator(Aggregation.SUPPORTED, 1000);

    @FuzzTest(maxDuration = "20s")
    void a_job_record_is_fanned_out_or_refused(byte[] record) {
        try {
            JobRequest job = DECODER.decode("braid.jobs", record);
            List<String> problems = new ArrayList<>(Identifiers.clientProblems(job));
            if (problems.isEmpty()) {
                problems.addAll(VALIDATOR.problems(job));
            }
            if (problems.isEmpty()) {
                List<FanOut> fanOut = FanOut.tree(job, T0, T0, "braid.jobs-0@0");
                if (fanOut.isEmpty() || !fanOut.get(0).manifest().getJobId().equals(job.getJobId())) {
                    throw new AssertionError("a valid job fans out to its own manifest first");
                }
            }
        } catch (InvalidJobException refused) {
            // the documented refusal: dead-lettered with its reason
        }
    }
}
