package io.braid.orchestrator.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.braid.orchestrator.internal.dispatch.InvalidJobException;

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

    @FuzzTest(maxDuration = "10s")
    void a_job_record_is_fanned_out_or_refused(byte[] record) {
        try {
            DispatchPath.fanOut(record);
        } catch (InvalidJobException refused) {
            // the documented refusal: dead-lettered with its reason
        }
    }
}
