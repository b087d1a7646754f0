package io.braid.orchestrator.internal.dispatch;

import io.braid.orchestrator.internal.TopicRetention;
import io.braid.orchestrator.internal.aggregate.FinalAggregation;
import io.braid.schema.AggregationStrategy;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchSpec;
import io.braid.schema.CompletionMode;
import io.braid.schema.JobRequest;
import io.braid.schema.policy.UsePolicy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks a job before it is fanned out; every problem is reported, each with what to change. */
public final class JobValidator {

    private static final java.util.regex.Pattern FIELD = java.util.regex.Pattern.compile(
            "([a-z][A-Za-z0-9_.\\[\\]]*)[ :]");

    private final Set<AggregationStrategy> supportedAggregations;
    private final int maxBranches;
    private final JobPolicy policy;
    private final UsePolicy usePolicy;
    private final TopicRetention retention;

    /** Under no tool policy: every job may use every tool and model. */
    public JobValidator(Set<AggregationStrategy> supportedAggregations, int maxBranches) {
        this(supportedAggregations, maxBranches, UsePolicy.allowAll());
    }

    /** Also refusing jobs that name a tool or model {@code policy} does not allow their tenant. */
    public JobValidator(Set<AggregationStrategy> supportedAggregations, int maxBranches, UsePolicy policy) {
        this(supportedAggregations, maxBranches, policy, TopicRetention.NONE);
    }

    private JobValidator(Set<AggregationStrategy> supportedAggregations, int maxBranches, UsePolicy policy,
                         TopicRetention retention) {
        this.supportedAggregations = Set.copyOf(supportedAggregations);
        this.maxBranches = maxBranches;
        this.policy = new JobPolicy(policy);
        this.usePolicy = policy;
        this.retention = retention;
    }

    /** This validator also refusing deadlines that outlive {@code value}, the work topics' shortest retention. */
    public JobValidator withRetention(TopicRetention value) {
        return new JobValidator(supportedAggregations, maxBranches, usePolicy, value);
    }

    /** The concurrency cap of the job's tenant ({@code policy.tenants.<tenant>.maxConcurrency}), or null: none. */
    public Integer tenantCap(JobRequest job) {
        return usePolicy.settings().maxConcurrency(UsePolicy.tenantOf(job.getMetadata()));
    }

    /**
     * Refuses a valid job ({@link #problems} empty) that names a tool or model the operator's policy does not allow
     * its tenant: an {@link InvalidJobException} of class {@code PolicyRefused} naming the branch, the tool or model,
     * the tenant and the setting that decided.
     */
    public void checkPolicy(JobRequest job) {
        policy.check(job);
    }

    /** The field a problem (as {@link #problems} words them: the field path first) is about, if it names one. */
    public static String fieldOf(String problem) {
        java.util.regex.Matcher matcher = FIELD.matcher(problem);
        return matcher.lookingAt() ? matcher.group(1) : null;
    }

    /** The problems of {@code job}; empty when it can be dispatched. */
    public List<String> problems(JobRequest job) {
        List<String> problems = new ArrayList<>();
        if (ChildJobs.depth(job) > ChildJobs.MAX_DEPTH) {
            problems.add("branches: child jobs nest deeper than " + ChildJobs.MAX_DEPTH + " levels; flatten the job");
            return problems;
        }
        if (job.getJobId() == null || job.getJobId().isBlank()) {
            problems.add("jobId is empty: give every job a unique id (the correlation id of its results)");
        }
        if (job.getBranches().isEmpty()) {
            problems.add("branches is empty: a job needs at least one branch");
        }
        if (job.getBranches().size() > maxBranches) {
            problems.add("branches has " + job.getBranches().size() + " entries; this orchestrator accepts up to "
                    + maxBranches + " per job (--max-branches): split the job, or nest child jobs");
        }
        int total = ChildJobs.totalBranches(job, maxBranches);
        if (job.getBranches().size() <= maxBranches && total > maxBranches) {
            problems.add("branches: the job and its child jobs have more than " + maxBranches + " branches together;"
                    + " this orchestrator accepts up to " + maxBranches + " per job, child jobs included "
                    + "(--max-branches)");
        }
        checkBranches(job, problems);
        checkCompletionAndAggregation(job, problems);
        FlowControlChecks.check(job, maxBranches, problems);
        return problems;
    }

    private void checkBranches(JobRequest job, List<String> problems) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < job.getBranches().size(); i++) {
            BranchSpec branch = job.getBranches().get(i);
            String where = "branches[" + i + "]";
            java.util.Optional<String> idProblem = Identifiers.branchIdProblem(where + ".branchId",
                    branch.getBranchId());
            if (idProblem.isPresent()) {
                problems.add(idProblem.get());
            } else if (branch.getBranchId().startsWith("__")) {
                problems.add(where + ".branchId '" + branch.getBranchId() + "' starts with '__', which Braid reserves "
                        + "for its own steps (e.g. " + FinalAggregation.BRANCH_ID + "); rename it");
            } else if (!ids.add(branch.getBranchId())) {
                problems.add(where + ".branchId '" + branch.getBranchId() + "' is used twice: branch ids must be "
                        + "unique within a job");
            }
            checkPayload(branch, where, problems);
            if (branch.getKind() == BranchKind.JOB && branch.getJob() != null && idProblem.isEmpty()) {
                try {
                    problems(ChildJobs.child(job, branch, 1)).forEach(p -> problems.add(where + ".job: " + p));
                } catch (InvalidJobException e) {
                    problems.add(where + ".job: " + e.getMessage());
                }
            }
            if (branch.getTimeoutMs() != null && branch.getTimeoutMs() <= 0) {
                problems.add(where + ".timeoutMs " + branch.getTimeoutMs() + " must be positive");
            }
            if (branch.getMaxAttempts() != null && branch.getMaxAttempts() < 1) {
                problems.add(where + ".maxAttempts " + branch.getMaxAttempts() + " must be 1 or more");
            }
        }
    }

    private void checkCompletionAndAggregation(JobRequest job, List<String> problems) {
        if (job.getCompletion().getMode() == CompletionMode.QUORUM) {
            Integer quorum = job.getCompletion().getQuorum();
            if (quorum == null || quorum < 1 || quorum > job.getBranches().size()) {
                problems.add("completion.quorum " + quorum + " must be between 1 and the number of branches ("
                        + job.getBranches().size() + ") with mode QUORUM");
            }
        }
        Long deadlineMs = job.getCompletion().getDeadlineMs();
        if (deadlineMs != null && deadlineMs <= 0) {
            problems.add("completion.deadlineMs " + deadlineMs + " must be positive");
        } else if (deadlineMs != null && retention.problem(deadlineMs) != null) {
            problems.add(retention.problem(deadlineMs));
        }
        AggregationStrategy strategy = job.getAggregation().getStrategy();
        String scorer = job.getAggregation().getScorer();
        if (strategy == AggregationStrategy.SELECT && scorer != null && !FinalAggregation.SCORERS.contains(scorer)) {
            problems.add("aggregation.scorer '" + scorer + "' is unknown; use one of " + FinalAggregation.SCORERS
                    + ", or leave it out to have an LLM judge pick (aggregation.model, aggregation.prompt)");
        }
        if (!supportedAggregations.contains(strategy)) {
            problems.add("aggregation.strategy " + strategy + " is not supported yet; use one of "
                    + supportedAggregations);
        }
        if (strategy == AggregationStrategy.TEMPLATE && job.getAggregation().getTemplate() == null) {
            problems.add("aggregation.template is missing: TEMPLATE needs a text with {{branchId}} placeholders");
        }
    }

    private static void checkPayload(BranchSpec branch, String where, List<String> problems) {
        boolean hasLlm = branch.getLlm() != null;
        boolean hasTool = branch.getTool() != null;
        boolean hasAgent = branch.getAgent() != null;
        boolean hasJob = branch.getJob() != null;
        int set = (hasLlm ? 1 : 0) + (hasTool ? 1 : 0) + (hasAgent ? 1 : 0) + (hasJob ? 1 : 0);
        String expected = switch (branch.getKind()) {
            case LLM -> hasLlm && set == 1 ? null : "llm";
            case TOOL -> hasTool && set == 1 ? null : "tool";
            case AGENT -> hasAgent && set == 1 ? null : "agent";
            case JOB -> hasJob && set == 1 ? null : "job";
        };
        if (expected != null) {
            problems.add(where + " has kind " + branch.getKind() + ": set exactly the '" + expected
                    + "' field and none of the others (llm, tool, agent, job)");
        }
    }
}
