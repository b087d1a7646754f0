package io.braid.orchestrator.internal.dispatch;

import io.braid.schema.JobRequest;
import io.braid.testing.JobFixtures;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class IdentifiersTest {

    private static JobRequest job(String jobId) {
        return JobRequest.newBuilder(JobFixtures.llmJob("j", 1)).setJobId(jobId).build();
    }

    @Test
    void ordinary_ids_in_any_script_pass() {
        assertThat(Identifiers.clientProblems(job("report-2026-12-03"))).isEmpty();
        assertThat(Identifiers.clientProblems(job("rapport-été-报告-@2"))).isEmpty();
        assertThat(Identifiers.branchIdProblem("b", "résumé_1")).isEmpty();
    }

    @Test
    void child_job_separators_are_reserved() {
        assertThat(Identifiers.clientProblems(job("victim/kid"))).singleElement().asString()
                .contains("contains '/'", "child job ids");
        assertThat(Identifiers.branchIdProblem("branches[0].branchId", "a@2")).get().asString()
                .startsWith("branches[0].branchId 'a@2' contains '@'");
    }

    @Test
    void invisible_and_control_characters_are_refused_by_code_point() {
        assertThat(Identifiers.clientProblems(job("pay\u202Eevil"))).singleElement().asString().contains("U+202E");
        assertThat(Identifiers.clientProblems(job("a\u200Bb"))).singleElement().asString().contains("U+200B");
        assertThat(Identifiers.clientProblems(job("line\nbreak"))).singleElement().asString().contains("U+000A");
        assertThat(Identifiers.clientProblems(job("lone\uD800"))).singleElement().asString().contains("U+D800");
    }

    @Test
    void lengths_are_limited_and_named() {
        assertThat(Identifiers.clientProblems(job("x".repeat(Identifiers.MAX_JOB_ID_LENGTH)))).isEmpty();
        assertThat(Identifiers.clientProblems(job("x".repeat(Identifiers.MAX_JOB_ID_LENGTH + 1))))
                .singleElement().asString().contains("the limit is " + Identifiers.MAX_JOB_ID_LENGTH);
    }

    @Test
    void links_and_reserved_metadata_are_braids() {
        JobRequest linked = JobRequest.newBuilder(job("j")).setParentJobId("victim")
                .setMetadata(Map.of("braid.parent.round", "1", "team", "a")).build();
        assertThat(Identifiers.clientProblems(linked)).hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith("parentJobId is set by Braid"))
                .anySatisfy(p -> assertThat(p).startsWith("metadata.braid.parent.round"));
    }
}
