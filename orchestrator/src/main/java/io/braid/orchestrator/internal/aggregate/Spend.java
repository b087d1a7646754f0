package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.BranchOutcome;
import io.braid.schema.BranchResult;
import io.braid.schema.Budget;
import io.braid.schema.JobUsage;
import io.braid.schema.TokenUsage;

import java.util.List;

/**
 * What a job spent on model calls and whether its budget is gone. The join adds each result it keeps to the state's
 * running total ({@code spent}) in the same step — and so the same transaction — as it keeps the result, so a
 * redelivered result is neither kept nor counted twice. Pure.
 */
final class Spend {

    private Spend() {
    }

    /**
     * {@code total} with {@code result}'s tokens and cost added (a new record; {@code total} may be null). A negative
     * count or a cost that is negative, NaN or infinite — which no price table yields — adds nothing: a bad result
     * must not give a job its budget back or make it uncountable.
     */
    static JobUsage add(JobUsage total, TokenUsage usage, Double cost) {
        cost = validCost(cost);
        if (usage == null && cost == null) {
            return total;
        }
        JobUsage sum = total == null ? new JobUsage(0L, 0L, null) : JobUsage.newBuilder(total).build();
        if (usage != null) {
            sum.setInputTokens(sum.getInputTokens() + Math.max(0, usage.getInputTokens()));
            sum.setOutputTokens(sum.getOutputTokens() + Math.max(0, usage.getOutputTokens()));
        }
        if (cost != null) {
            sum.setCost((sum.getCost() == null ? 0 : sum.getCost()) + cost);
        }
        return sum;
    }

    /**
     * The most one result may cost: every token a result can report (2 × 2^31) at a price of 1,000 per token, far
     * above any real price table. A larger cost is a hostile or broken result, and summing a few of them would make a
     * job's total (and the cost metric) infinite.
     */
    static final double MAX_RESULT_COST = 2.0 * Integer.MAX_VALUE * 1000;

    /** {@code cost} when a price table could have yielded it (finite, 0 to {@link #MAX_RESULT_COST}), else null. */
    static Double validCost(Double cost) {
        return cost == null || cost.isNaN() || cost < 0 || cost > MAX_RESULT_COST ? null : cost;
    }

    /** The larger of two spends, by tokens and by cost each (either may be null). */
    static JobUsage larger(JobUsage a, JobUsage b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        Double cost;
        if (a.getCost() == null || b.getCost() == null) {
            cost = a.getCost() == null ? b.getCost() : a.getCost();
        } else {
            cost = Math.max(a.getCost(), b.getCost());
        }
        return new JobUsage(Math.max(a.getInputTokens(), b.getInputTokens()),
                Math.max(a.getOutputTokens(), b.getOutputTokens()), cost);
    }

    static JobUsage add(JobUsage total, BranchResult result) {
        return add(total, result.getUsage(), result.getCost());
    }

    /** The tokens and cost of {@code outcomes} and the final step's result (may be null); null when none had any. */
    static JobUsage of(List<BranchOutcome> outcomes, BranchResult finalResult) {
        JobUsage total = null;
        for (BranchOutcome outcome : outcomes) {
            total = add(total, outcome.getUsage(), outcome.getCost());
        }
        return finalResult == null ? total : add(total, finalResult);
    }

    /** Whether {@code spent} has reached {@code budget}'s tokens (input plus output) or its cost. */
    static boolean exhausted(Budget budget, JobUsage spent) {
        if (budget == null || spent == null) {
            return false;
        }
        boolean tokens = budget.getTokens() != null
                && spent.getInputTokens() + spent.getOutputTokens() >= budget.getTokens();
        boolean cost = budget.getCost() != null && spent.getCost() != null && spent.getCost() >= budget.getCost();
        return tokens || cost;
    }

    /** "12,000 tokens, cost 0.42" — what a budget or a spend says in messages. */
    static String describe(JobUsage spent) {
        if (spent == null) {
            return "nothing";
        }
        return (spent.getInputTokens() + spent.getOutputTokens()) + " tokens"
                + (spent.getCost() == null ? "" : ", cost " + spent.getCost());
    }

    static String describe(Budget budget) {
        return (budget.getTokens() == null ? "" : budget.getTokens() + " tokens")
                + (budget.getTokens() != null && budget.getCost() != null ? " or " : "")
                + (budget.getCost() == null ? "" : "cost " + budget.getCost());
    }
}
