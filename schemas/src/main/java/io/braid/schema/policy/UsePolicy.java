package io.braid.schema.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's decision on what a job may use, from {@link PolicySettings}: may the job's tenant use a tool or a
 * model, and may an agent on a model call a tool. A refusal names the setting that decided. Pure: the worker applies
 * it to each branch before it runs, the dispatcher to each job before it fans out.
 */
public final class UsePolicy {

    /** The metadata key naming a job's tenant. */
    public static final String TENANT_KEY = "tenant";

    private static final UsePolicy ALLOW_ALL = new UsePolicy(PolicySettings.allowAll());

    private final PolicySettings settings;

    public UsePolicy(PolicySettings settings) {
        this.settings = settings;
    }

    /** Every job may use everything. */
    public static UsePolicy allowAll() {
        return ALLOW_ALL;
    }

    /** The settings this policy decides by. */
    public PolicySettings settings() {
        return settings;
    }

    /** Whether this policy refuses nothing (no tenants or models listed, default allow). */
    public boolean allowsEverything() {
        return settings.defaultMode() == PolicySettings.Mode.ALLOW && settings.tenants().isEmpty()
                && settings.models().isEmpty();
    }

    /** The tenant a job's metadata names ({@value #TENANT_KEY}), or null. */
    public static String tenantOf(Map<String, String> metadata) {
        return metadata == null ? null : metadata.get(TENANT_KEY);
    }

    /** Why {@code tenant} (null: a job without one) may not use {@code tool}, or empty when it may. */
    public Optional<Refusal> tool(String tenant, String tool) {
        return decide(tenant, "tool", tool, true);
    }

    /** Why {@code tenant} (null: a job without one) may not use {@code model}, or empty when it may. */
    public Optional<Refusal> model(String tenant, String model) {
        return decide(tenant, "model", model, false);
    }

    /**
     * Why {@code tenant} may not ask for {@code priority}, or empty when it may: LOW and NORMAL always; HIGH when the
     * tenant's grant says {@code highPriority: true}, or it says nothing and {@code policy.default} is allow.
     */
    public Optional<Refusal> priority(String tenant, io.braid.schema.Priority priority) {
        if (priority != io.braid.schema.Priority.HIGH) {
            return Optional.empty();
        }
        PolicySettings.Grant grant = tenant == null ? null : settings.tenants().get(tenant);
        Boolean high = grant == null ? null : grant.highPriority();
        if (high == null ? settings.defaultMode() == PolicySettings.Mode.ALLOW : high) {
            return Optional.empty();
        }
        String who = tenant == null ? "jobs without metadata.tenant" : "tenant '" + tenant + "'";
        String setting = high != null ? "policy.tenants." + tenant + ".highPriority: false"
                : grant != null ? "policy.tenants." + tenant + " sets no highPriority, so policy.default: deny applies"
                : tenant != null ? "tenant '" + tenant + "' is not under policy.tenants, so policy.default: deny applies"
                : "policy.default: deny";
        return Optional.of(new Refusal("priority HIGH is not allowed for " + who, setting,
                "use NORMAL, or ask the operator for highPriority: true"));
    }

    /**
     * Why an agent of {@code tenant} on {@code model} may not call {@code tool}, or empty when it may: the tenant
     * must be allowed the tool, and agents on the model must be allowed to call it.
     */
    public Optional<Refusal> agentTool(String tenant, String model, String tool) {
        Optional<Refusal> byTenant = tool(tenant, tool);
        if (byTenant.isPresent()) {
            return byTenant;
        }
        PolicySettings.ModelGrant onModel = model == null ? null : settings.models().get(model);
        if (onModel != null && !grants(onModel.tools(), tool)) {
            return Optional.of(new Refusal("tool '" + tool + "' may not be called by agents on model '" + model + "'",
                    "policy.models." + model + ".tools: " + onModel.tools(),
                    "leave it out of the agent's tools or use another model"));
        }
        return Optional.empty();
    }

    private Optional<Refusal> decide(String tenant, String kind, String name, boolean isTool) {
        PolicySettings.Grant grant = tenant == null ? null : settings.tenants().get(tenant);
        List<String> list = grant == null ? null : isTool ? grant.tools() : grant.models();
        boolean allowed = list == null ? settings.defaultMode() == PolicySettings.Mode.ALLOW : grants(list, name);
        if (allowed) {
            return Optional.empty();
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
        return Optional.of(new Refusal(kind + " '" + name + "' is not allowed for " + who, setting,
                "ask the operator to grant it, or use an allowed " + kind));
    }

    private static boolean grants(List<String> list, String name) {
        return list.contains(PolicySettings.ANY) || list.contains(name);
    }

    /**
     * Why a tool or model was refused.
     *
     * @param what    what was refused, and to whom (e.g. {@code tool 'http_get' is not allowed for tenant 'teamA'})
     * @param setting the setting that decided, with its value
     * @param advice  what the job's author can do
     */
    public record Refusal(String what, String setting, String advice) {

        /** The whole reason, saying where the policy was applied (e.g. {@code on this worker}). */
        public String message(String where) {
            return what + " " + where + " (" + setting + "); " + advice;
        }
    }
}
