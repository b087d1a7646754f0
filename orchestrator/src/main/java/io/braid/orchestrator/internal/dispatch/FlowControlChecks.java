package io.braid.orchestrator.internal.dispatch;

import io.braid.schema.BranchSpec;
import io.braid.schema.Budget;
import io.braid.schema.CompletionPolicy;
import io.braid.schema.Hedge;
import io.braid.schema.JobRequest;

import java.util.List;

/**
 * The job's flow-control fields checked before dispatch, each problem naming the field, its value and what to set:
 * its window ({@code maxConcurrency}), {@code budget}, tolerated failures and hedges.
 */
final class FlowControlChecks {

    private FlowControlChecks() {
    }

    /** The longest hedge delay: a day, beyond any attempt's timeout. */
    static final long MAX_HEDGE_AFTER_MS = 24L * 60 * 60 * 1000;
    /**
     * The most output tokens an LLM branch may ask for. Far above any model's output limit today; a larger value is
     * a mistake or an attack on the workers' token schedule (each call reserves its output limit before it runs).
     */
    static final int MAX_OUTPUT_TOKENS = 1_000_000;

    static void check(JobRequest job, int maxBranches, List<String> problems) {
        Integer window = job.getMaxConcurrency();
        if (window != null && window < 1) {
            problems.add("maxConcurrency " + window + " must be 1 or more: it is how many of the job's branches may "
                    + "run at once; leave it out for the orchestrator's default (--max-concurrency)");
        } else if (window != null && window > maxBranches) {
            problems.add("maxConcurrency " + window + " is more than the most branches a job may have here ("
                    + maxBranches + ", --max-branches), so it limits nothing; set at most " + maxBranches
                    + ", or leave it out for the orchestrator's default (--max-concurrency)");
        }
        budget(job.getBudget(), problems);
        tolerated(job.getCompletion(), job.getBranches().size(), problems);
        hedge("hedge", job.getHedge(), problems);
        for (int i = 0; i < job.getBranches().size(); i++) {
            BranchSpec branch = job.getBranches().get(i);
            hedge("branches[" + i + "].hedge", branch.getHedge(), problems);
            Integer maxOutput = branch.getLlm() == null ? null : branch.getLlm().getMaxOutputTokens();
            if (maxOutput != null && (maxOutput < 1 || maxOutput > MAX_OUTPUT_TOKENS)) {
                problems.add("branches[" + i + "].llm.maxOutputTokens " + maxOutput + " must be from 1 to "
                        + MAX_OUTPUT_TOKENS + ": the most tokens the model may answer with");
            }
        }
    }

    private static void budget(Budget budget, List<String> problems) {
        if (budget == null) {
            return;
        }
        if (budget.getTokens() == null && budget.getCost() == null) {
            problems.add("budget sets neither tokens nor cost: set one (or both), or leave budget out for no limit");
        }
        if (budget.getTokens() != null && budget.getTokens() <= 0) {
            problems.add("budget.tokens " + budget.getTokens() + " must be positive: a budget of " + budget.getTokens()
                    + " tokens is spent before the first branch runs");
        }
        Double cost = budget.getCost();
        if (cost != null && (cost.isNaN() || cost.isInfinite())) {
            problems.add("budget.cost " + cost + " is not a number of money: give a positive amount in the unit of "
                    + "the workers' price tables, e.g. 2.50");
        } else if (cost != null && cost <= 0) {
            problems.add("budget.cost " + cost + " must be positive: a budget of " + cost + " is spent before the "
                    + "first branch runs");
        }
    }

    private static void tolerated(CompletionPolicy completion, int branches, List<String> problems) {
        Integer count = completion.getToleratedFailures();
        if (count != null && (count < 0 || count > branches)) {
            problems.add("completion.toleratedFailures " + count + " must be between 0 and the number of branches ("
                    + branches + "): it is how many may fail before the job ends FAILED");
        }
        Double percent = completion.getToleratedFailurePercent();
        if (percent != null && (percent.isNaN() || percent < 0 || percent > 100)) {
            problems.add("completion.toleratedFailurePercent " + percent + " must be a percentage from 0 to 100 of "
                    + "the job's branches that may fail before it ends FAILED");
        }
    }

    private static void hedge(String where, Hedge hedge, List<String> problems) {
        if (hedge == null) {
            return;
        }
        if (hedge.getAfterMs() != null && (hedge.getAfterMs() <= 0 || hedge.getAfterMs() > MAX_HEDGE_AFTER_MS)) {
            problems.add(where + ".afterMs " + hedge.getAfterMs() + " must be from 1 to " + MAX_HEDGE_AFTER_MS
                    + " (a day): how long the first call may run before a second starts (leave it out for the "
                    + "model's observed p95)");
        }
        if (hedge.getModel() != null && hedge.getModel().isBlank()) {
            problems.add(where + ".model is blank: name the second call's model, or leave it out for the same model");
        }
    }
}
