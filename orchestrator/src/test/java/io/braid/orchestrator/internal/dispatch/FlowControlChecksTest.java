package io.braid.orchestrator.internal.dispatch;

import io.braid.orchestrator.internal.aggregate.Aggregation;
import io.braid.schema.Budget;
import io.braid.schema.CompletionPolicy;
import io.braid.schema.Hedge;
import io.braid.schema.JobRequest;
import io.braid.schema.policy.PolicySettings;
import io.braid.schema.policy.UsePolicy;
import io.braid.testing.JobFixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Jobs with bad windows, budgets, tolerated failures or hedges are refused, each problem naming its field. */
class FlowControlChecksTest {

    private final JobValidator validator = new JobValidator(Aggregation.SUPPORTED, 100);

    static Stream<org.junit.jupiter.params.provider.Arguments> badJobs() {
        return Stream.of(
                arguments("maxConcurrency 0 must be 1 or more", (Consumer<JobRequest>) j -> j.setMaxConcurrency(0)),
                arguments("maxConcurrency -3 must be 1 or more", (Consumer<JobRequest>) j -> j.setMaxConcurrency(-3)),
                arguments("maxConcurrency 101 is more than the most branches",
                        (Consumer<JobRequest>) j -> j.setMaxConcurrency(101)),
                arguments("budget.tokens 0 must be positive",
                        (Consumer<JobRequest>) j -> j.setBudget(Budget.newBuilder().setTokens(0L).build())),
                arguments("budget.cost -1.0 must be positive",
                        (Consumer<JobRequest>) j -> j.setBudget(Budget.newBuilder().setCost(-1.0).build())),
                arguments("budget.cost NaN is not a number",
                        (Consumer<JobRequest>) j -> j.setBudget(Budget.newBuilder().setCost(Double.NaN).build())),
                arguments("budget.cost Infinity is not a number", (Consumer<JobRequest>) j -> j.setBudget(
                        Budget.newBuilder().setCost(Double.POSITIVE_INFINITY).build())),
                arguments("budget sets neither tokens nor cost",
                        (Consumer<JobRequest>) j -> j.setBudget(Budget.newBuilder().build())),
                arguments("completion.toleratedFailures -1 must be between 0 and the number of branches (4)",
                        (Consumer<JobRequest>) j -> j.setCompletion(CompletionPolicy.newBuilder()
                                .setToleratedFailures(-1).build())),
                arguments("completion.toleratedFailures 5 must be between 0 and the number of branches (4)",
                        (Consumer<JobRequest>) j -> j.setCompletion(CompletionPolicy.newBuilder()
                                .setToleratedFailures(5).build())),
                arguments("completion.toleratedFailurePercent 101.0 must be a percentage from 0 to 100",
                        (Consumer<JobRequest>) j -> j.setCompletion(CompletionPolicy.newBuilder()
                                .setToleratedFailurePercent(101.0).build())),
                arguments("completion.toleratedFailurePercent NaN must be a percentage",
                        (Consumer<JobRequest>) j -> j.setCompletion(CompletionPolicy.newBuilder()
                                .setToleratedFailurePercent(Double.NaN).build())),
                arguments("hedge.afterMs 0 must be from 1 to 86400000",
                        (Consumer<JobRequest>) j -> j.setHedge(Hedge.newBuilder().setAfterMs(0L).build())),
                arguments("hedge.afterMs 9223372036854775807 must be from 1 to 86400000", (Consumer<JobRequest>) j ->
                        j.setHedge(Hedge.newBuilder().setAfterMs(Long.MAX_VALUE).build())),
                arguments("branches[2].hedge.afterMs -5 must be from 1", (Consumer<JobRequest>) j -> j.getBranches()
                        .get(2).setHedge(Hedge.newBuilder().setAfterMs(-5L).build())),
                arguments("branches[1].llm.maxOutputTokens 2147483647 must be from 1 to 1000000",
                        (Consumer<JobRequest>) j -> j.getBranches().get(1).getLlm()
                                .setMaxOutputTokens(Integer.MAX_VALUE)),
                arguments("branches[0].llm.maxOutputTokens -1 must be from 1",
                        (Consumer<JobRequest>) j -> j.getBranches().get(0).getLlm().setMaxOutputTokens(-1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badJobs")
    void a_bad_flow_control_field_is_refused_with_its_name_and_value(String expected, Consumer<JobRequest> spoil) {
        JobRequest job = JobFixtures.llmJob("flow", 4);
        spoil.accept(job);

        List<String> problems = validator.problems(job);

        assertThat(problems).anyMatch(p -> p.startsWith(expected));
    }

    @Test
    void sensible_flow_control_fields_pass() {
        JobRequest job = JobFixtures.llmJob("flow", 4);
        job.setMaxConcurrency(100);
        job.setBudget(Budget.newBuilder().setTokens(1000L).setCost(2.5).build());
        job.setCompletion(CompletionPolicy.newBuilder().setToleratedFailures(4).setToleratedFailurePercent(0.0)
                .build());
        job.setHedge(Hedge.newBuilder().setAfterMs(800L).setModel("small").build());

        assertThat(validator.problems(job)).isEmpty();
    }

    @Test
    void a_hedge_on_a_model_the_policy_denies_is_refused_naming_the_field() {
        UsePolicy policy = new UsePolicy(new PolicySettings(PolicySettings.Mode.ALLOW,
                java.util.Map.of("interns", new PolicySettings.Grant(List.of(), List.of("fast"))), java.util.Map.of()));
        JobValidator strict = new JobValidator(Aggregation.SUPPORTED, 100, policy);
        JobRequest job = JobFixtures.llmJob("flow", 2);
        job.setMetadata(java.util.Map.of("tenant", "interns"));
        job.getBranches().forEach(b -> b.getLlm().setModel("fast"));
        job.setHedge(Hedge.newBuilder().setModel("forbidden").build());

        assertThatThrownBy(() -> strict.checkPolicy(job)).isInstanceOf(InvalidJobException.class)
                .satisfies(e -> assertThat(((InvalidJobException) e).field()).hasValue("hedge.model"))
                .hasMessageContaining("forbidden");
    }
}
