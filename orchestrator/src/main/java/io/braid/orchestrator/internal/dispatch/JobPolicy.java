package io.braid.orchestrator.internal.dispatch;

import io.braid.orchestrator.internal.aggregate.FinalAggregation;
import io.braid.schema.BranchSpec;
import io.braid.schema.ErrorClass;
import io.braid.schema.JobRequest;
import io.braid.schema.policy.UsePolicy;

import java.util.List;
import java.util.Optional;

/**
 * The operator's tool and model policy ({@link UsePolicy}) applied at dispatch: a job whose branches — its child
 * jobs' too, and an agent's tool list — or whose LLM aggregation names a tool or model its tenant may not use is
 * refused as a whole ({@code PolicyRefused}), before any task is written. Each job is judged by its own
 * {@code metadata.tenant}, as the workers judge its tasks. A branch that names no model runs on the worker's default,
 * which only the worker knows: the worker judges it.
 */
final class JobPolicy {

    private static final String WHERE = "by this orchestrator";

    private final UsePolicy policy;

    JobPolicy(UsePolicy policy) {
        this.policy = policy;
    }

    /** Throws a {@code PolicyRefused} {@link InvalidJobException} for the first thing {@code job} may not use. */
    void check(JobRequest job) {
        if (policy.allowsEverything()) {
            return;
        }
        refusal(job, "").ifPresent(refusal -> {
            throw new InvalidJobException(ErrorClass.PolicyRefused, refusal.field(), job.getJobId(),
                    "job '" + job.getJobId() + "' refused: " + refusal.message(), null);
        });
    }

    /** A refusal and the field it is about. */
    private record Found(String field, String message) {
    }

    private Optional<Found> refusal(JobRequest job, String prefix) {
        String tenant = UsePolicy.tenantOf(job.getMetadata());
        Optional<UsePolicy.Refusal> priority = policy.priority(tenant, job.getPriority());
        if (priority.isPresent()) {
            return Optional.of(new Found(prefix + "priority", priority.get().message(WHERE)));
        }
        List<BranchSpec> branches = job.getBranches();
        for (int i = 0; i < branches.size(); i++) {
            BranchSpec branch = branches.get(i);
            String where = prefix + "branches[" + i + "]";
            Optional<Found> found = switch (branch.getKind()) {
                case LLM -> model(tenant, branch.getLlm().getModel(), where + ".llm.model", branch);
                case TOOL -> found(policy.tool(tenant, branch.getTool().getName()), where + ".tool.name", branch);
                case AGENT -> agent(tenant, branch, where);
                case JOB -> refusal(ChildJobs.child(job, branch, 1), where + ".job.");
            };
            if (found.isEmpty() && branch.getHedge() != null) {
                found = model(tenant, branch.getHedge().getModel(), where + ".hedge.model", branch);
            }
            if (found.isPresent()) {
                return found;
            }
        }
        if (job.getHedge() != null && job.getHedge().getModel() != null) {
            Optional<UsePolicy.Refusal> hedge = policy.model(tenant, job.getHedge().getModel());
            if (hedge.isPresent()) {
                return Optional.of(new Found(prefix + "hedge.model", "the job's hedge "
                        + hedge.get().message(WHERE)));
            }
        }
        if (FinalAggregation.needsTask(job.getAggregation())) {
            String model = job.getAggregation().getModel();
            if (model != null) {
                return policy.model(tenant, model).map(refusal -> new Found(prefix + "aggregation.model",
                        "the aggregation's " + refusal.message(WHERE)));
            }
        }
        return Optional.empty();
    }

    private Optional<Found> agent(String tenant, BranchSpec branch, String where) {
        String model = branch.getAgent().getModel();
        Optional<Found> found = model(tenant, model, where + ".agent.model", branch);
        List<String> tools = branch.getAgent().getTools();
        for (int t = 0; found.isEmpty() && t < tools.size(); t++) {
            found = found(policy.agentTool(tenant, model, tools.get(t)), where + ".agent.tools[" + t + "]", branch);
        }
        return found;
    }

    private Optional<Found> model(String tenant, String model, String field, BranchSpec branch) {
        return model == null ? Optional.empty() : found(policy.model(tenant, model), field, branch);
    }

    private static Optional<Found> found(Optional<UsePolicy.Refusal> refusal, String field, BranchSpec branch) {
        return refusal.map(r -> new Found(field, "branch '" + branch.getBranchId() + "' (" + field + "): "
                + r.message(WHERE)));
    }
}
