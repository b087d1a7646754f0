package io.braid.schema.policy;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which tools and models a job may use ({@code policy} in the worker config file, and the orchestrator's
 * {@code --policy-file}): the operator's decision, not the job's. {@link UsePolicy} decides by it.
 *
 * <pre>
 * policy:
 *   default: deny                      # jobs with no metadata.tenant, or one not listed: allow = all, deny = none
 *   tenants:
 *     teamA:    { tools: [calculator, json_extract], models: [fast], maxConcurrency: 50 }
 *     research: { tools: ["*"] }       # models left out: as 'default' says
 *   models:
 *     local:    { tools: [calculator] } # what an AGENT on this model may call, whoever the tenant
 * </pre>
 *
 * A list left out follows {@code default}; {@code "*"} is every tool or model. The tenant is the job's
 * {@code metadata.tenant}, which whoever may write the jobs topic sets: tenants who must not borrow each other's
 * grants need their own topic prefix and ACLs (see the README's Security section).
 *
 * @param defaultMode what jobs whose tenant is absent or unlisted may use, and what an omitted list means
 * @param tenants     grants per tenant
 * @param models      tools an agent running on a model may call, per model name
 */
public record PolicySettings(
        @com.fasterxml.jackson.annotation.JsonProperty("default") Mode defaultMode,
        Map<String, Grant> tenants,
        Map<String, ModelGrant> models) {

    /** The wildcard of a list: every tool or every model. */
    public static final String ANY = "*";

    /** Allow everything that is not restricted, or deny everything that is not granted. */
    public enum Mode {
        ALLOW, DENY;

        @com.fasterxml.jackson.annotation.JsonCreator
        static Mode parse(String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("policy.default '" + value + "' must be allow or deny");
            }
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The largest {@code policy.tenants.<tenant>.maxConcurrency} accepted: more limits nothing. */
    public static final int MAX_TENANT_CONCURRENCY = 1_000_000;

    /**
     * What one tenant's jobs may use.
     *
     * @param tools          tool names, or {@code "*"}; null = as {@code policy.default} says
     * @param models         model names, or {@code "*"}; null = as {@code policy.default} says
     * @param maxConcurrency at most this many of the tenant's tasks, over all its jobs, queued or running at once (the
     *                       orchestrator's admission enforces it); null = no cap
     * @param highPriority   whether the tenant's jobs may ask for {@code priority: HIGH} (the lane that skips the
     *                       queue); null = as {@code policy.default} says
     */
    public record Grant(List<String> tools, List<String> models, Integer maxConcurrency, Boolean highPriority) {

        /** A grant of tools and models, without a concurrency cap. */
        public Grant(List<String> tools, List<String> models) {
            this(tools, models, null, null);
        }

        /** A grant of tools, models and a concurrency cap, HIGH priority as {@code policy.default} says. */
        public Grant(List<String> tools, List<String> models, Integer maxConcurrency) {
            this(tools, models, maxConcurrency, null);
        }
    }

    /**
     * What an agent on one model may call.
     *
     * @param tools tool names, or {@code "*"}
     */
    public record ModelGrant(List<String> tools) {
    }

    public PolicySettings {
        defaultMode = defaultMode == null ? Mode.ALLOW : defaultMode;
        tenants = tenants == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tenants));
        models = models == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
    }

    /** No policy: every job may use every tool and model (what a worker without {@code policy} does). */
    public static PolicySettings allowAll() {
        return new PolicySettings(Mode.ALLOW, Map.of(), Map.of());
    }

    /**
     * What is wrong with the policy, naming the setting, or null. {@code modelNames} are the configured models (null:
     * not known here, so model names are not checked); tool names are checked when the worker knows its tools
     * ({@link #toolProblem(Collection)}).
     */
    public String problem(Set<String> modelNames) {
        for (Map.Entry<String, Grant> tenant : tenants.entrySet()) {
            String at = "policy.tenants." + tenant.getKey();
            if (tenant.getValue() == null) {
                return at + " has no settings; give it tools: [...] and/or models: [...]";
            }
            Integer cap = tenant.getValue().maxConcurrency();
            if (cap != null && (cap < 1 || cap > MAX_TENANT_CONCURRENCY)) {
                return at + ".maxConcurrency " + cap + " must be between 1 and " + MAX_TENANT_CONCURRENCY
                        + " (the tenant's tasks queued or running at once); leave it out for no cap";
            }
            String unknown = modelNames == null ? null : unknown(tenant.getValue().models(), modelNames);
            if (unknown != null) {
                return at + ".models names '" + unknown + "', which is not among the models " + modelNames;
            }
        }
        for (Map.Entry<String, ModelGrant> model : models.entrySet()) {
            if (modelNames != null && !modelNames.contains(model.getKey())) {
                return "policy.models." + model.getKey() + " is not among the models " + modelNames;
            }
            if (model.getValue() == null || model.getValue().tools() == null) {
                return "policy.models." + model.getKey() + " needs tools: [...] (the tools an agent on it may call)";
            }
        }
        return null;
    }

    /** {@code tenant}'s concurrency cap ({@code policy.tenants.<tenant>.maxConcurrency}), or null: none. */
    public Integer maxConcurrency(String tenant) {
        Grant grant = tenant == null ? null : tenants.get(tenant);
        return grant == null ? null : grant.maxConcurrency();
    }

    /** The first tool a list of this policy names that the worker does not have, with where, or null. */
    public String toolProblem(Collection<String> toolNames) {
        for (Map.Entry<String, Grant> tenant : tenants.entrySet()) {
            String unknown = unknown(tenant.getValue().tools(), toolNames);
            if (unknown != null) {
                return "policy.tenants." + tenant.getKey() + ".tools names '" + unknown
                        + "', which this worker does not have; it has " + toolNames;
            }
        }
        for (Map.Entry<String, ModelGrant> model : models.entrySet()) {
            String unknown = unknown(model.getValue().tools(), toolNames);
            if (unknown != null) {
                return "policy.models." + model.getKey() + ".tools names '" + unknown
                        + "', which this worker does not have; it has " + toolNames;
            }
        }
        return null;
    }

    private static String unknown(List<String> names, Collection<String> known) {
        if (names == null) {
            return null;
        }
        return names.stream().filter(name -> !ANY.equals(name) && !known.contains(name)).findFirst().orElse(null);
    }
}
