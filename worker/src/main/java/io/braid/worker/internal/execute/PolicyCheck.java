package io.braid.worker.internal.execute;

import dev.langchain4j.exception.NonRetriableException;
import io.braid.schema.BranchTask;
import io.braid.schema.policy.PolicySettings;
import io.braid.schema.policy.UsePolicy;

import java.util.Collection;
import java.util.Optional;

/**
 * Applies the worker's {@link PolicySettings} ({@link UsePolicy}) to a branch before anything runs: a branch naming a
 * tool or model its job's tenant may not use fails at once, not retried ({@link PolicyRefusedException}), naming the
 * tool or model, the tenant and the setting that decided.
 */
public final class PolicyCheck {

    private static final String WHERE = "on this worker";

    private final UsePolicy policy;

    public PolicyCheck(PolicySettings settings) {
        this.policy = new UsePolicy(settings);
    }

    /** Every job may use everything. */
    public static PolicyCheck allowAll() {
        return new PolicyCheck(PolicySettings.allowAll());
    }

    /** Refuses {@code tool} unless the task's tenant may use it. */
    public void checkTool(BranchTask task, String tool) {
        refuse(policy.tool(tenant(task), tool));
    }

    /** Refuses {@code model} unless the task's tenant may use it. */
    public void checkModel(BranchTask task, String model) {
        refuse(policy.model(tenant(task), model));
    }

    /** Refuses an agent's tool list unless its tenant may use every tool and its model may call every tool. */
    public void checkAgentTools(BranchTask task, String model, Collection<String> tools) {
        for (String tool : tools) {
            refuse(policy.agentTool(tenant(task), model, tool));
        }
    }

    private static String tenant(BranchTask task) {
        return UsePolicy.tenantOf(task.getMetadata());
    }

    private static void refuse(Optional<UsePolicy.Refusal> refusal) {
        if (refusal.isPresent()) {
            throw new PolicyRefusedException(refusal.get().message(WHERE));
        }
    }

    /** A branch named a tool or model the worker's policy does not allow its job: not retried. */
    public static final class PolicyRefusedException extends NonRetriableException {
        public PolicyRefusedException(String message) {
            super(message);
        }
    }
}
