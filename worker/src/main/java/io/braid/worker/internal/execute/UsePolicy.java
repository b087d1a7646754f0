package io.braid.worker.internal.execute;

import dev.langchain4j.exception.NonRetriableException;
import io.braid.schema.BranchTask;
import io.braid.worker.internal.config.PolicySettings;

import java.util.Collection;
import java.util.List;

/**
 * Applies the worker's {@link PolicySettings} to a branch before anything runs: a branch naming a tool or model
 * its job's tenant may not use fails at once, not retried ({@link PolicyRefusedException}), naming the tool or
 * model, the tenant and the setting that decided.
 */
public final class UsePolicy {

    /** The metadata key naming a job's tenant. */
    public static final String TENANT_KEY = "tenant";

    private final PolicySettings settings;

    public UsePolicy(PolicySettings settings) {
        this.settings = settings;
    }

    /** Every job may use everything. */
    public static UsePolicy allowAll() {
        return new UsePolicy(PolicySettings.allowAll());
    }

    /** Refuses {@code tool} unless the task's tenant may use it. */
    public void checkTool(BranchTask task, String tool) {
        check(task, "tool", tool, true);
    }

    /** Refuses {@code model} unless the task's tenant may use it. */
    public void checkModel(BranchTask task, String model) {
        check(task, "model", model, false);
    }

    /** Refuses an agent's tool list unless its tenant may use every tool and its model may call every tool. */
    public void checkAgentTools(BranchTask task, String model, Collection<String> tools) {
        PolicySettings.ModelGrant onModel = settings.models().get(model);
        for (String tool : tools) {
            checkTool(task, tool);
            if (onModel != null && !grants(onModel.tools(), tool)) {
                throw new PolicyRefusedException("tool '" + tool + "' may not be called by agents on model '"
                        + model + "' on this worker (policy.models." + model + ".tools: " + onModel.tools()
                        + "); leave it out of the agent's tools or use another model");
            }
        }
    }

    private void check(BranchTask task, String kind, String name, boolean isTool) {
        String tenant = task.getMetadata() == null ? null : task.getMetadata().get(TENANT_KEY);
        PolicySettings.Grant grant = tenant == null ? null : settings.tenants().get(tenant);
        List<String> list = grant == null ? null : isTool ? grant.tools() : grant.models();
        boolean allowed = list == null ? settings.defaultMode() == PolicySettings.Mode.ALLOW : grants(list, name);
        if (allowed) {
            return;
        }
        String who = tenant == null ? "jobs without metadata.tenant" : "tenant '" + tenant + "'";
        String setting;
        if (list != null) {
            setting = "policy.tenants." + tenant + "." + kind + "s: " + list;
        } else if (grant != null) {
            setting = "policy.tenants." + tenant + " lists no " + kind + "s, so policy.default: deny applies";
        } else if (tenant != null) {
            setting = "tenant '" + tenant + "' is not under policy.tenants, so policy.default: deny applies";
        } else {
            setting = "policy.default: deny";
        }
        throw new PolicyRefusedException(kind + " '" + name + "' is not allowed for " + who + " on this worker ("
                + setting + "); ask the operator to grant it, or use an allowed " + kind);
    }

    private static boolean grants(List<String> list, String name) {
        return list.contains(PolicySettings.ANY) || list.contains(name);
    }

    /** A branch named a tool or model the worker's policy does not allow its job: not retried. */
    public static final class PolicyRefusedException extends NonRetriableException {
        public PolicyRefusedException(String message) {
            super(message);
        }
    }
}
