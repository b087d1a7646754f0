package io.braid.cli.chaos;

import io.braid.schema.BranchKind;
import io.braid.schema.BranchSpec;
import io.braid.schema.JobRequest;
import io.braid.schema.LlmCall;
import io.braid.testing.JobFixtures;
import io.braid.testing.chaos.ResultChecker.Answer;

import java.util.List;
import java.util.Map;

/**
 * The chaos suite's jobs, each with answers known in advance: two calculator branches (exact numbers) and one
 * branch on the simulated model (100 – 1,200 ms, so faults catch branches running), whose answer quotes its prompt.
 */
final class KnownAnswerJobs {

    private KnownAnswerJobs() {
    }

    static String jobId(int i) {
        return "chaos-" + i;
    }

    static JobRequest job(int i) {
        return JobRequest.newBuilder()
                .setJobId(jobId(i))
                .setBranches(List.of(
                        JobFixtures.toolBranch("product", "calculator", "{\"expression\": \"" + i + " * 7 + 3\"}"),
                        JobFixtures.toolBranch("sum", "calculator", "{\"expression\": \"" + i + " + 1000\"}"),
                        BranchSpec.newBuilder().setBranchId("echo").setKind(BranchKind.LLM)
                                .setLlm(LlmCall.newBuilder().setUserPrompt(prompt(i)).build()).build()))
                .build();
    }

    static Map<String, Answer> answers(int i) {
        return Map.of("product", Answer.exactly(Integer.toString(i * 7 + 3)),
                "sum", Answer.exactly(Integer.toString(i + 1000)),
                "echo", Answer.containing("answering \"" + prompt(i) + "\""));
    }

    private static String prompt(int i) {
        return "echo " + jobId(i);
    }
}
