package io.braid.orchestrator.internal.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.braid.schema.BranchSpec;
import io.braid.schema.JobRequest;
import io.braid.schema.json.AvroJson;
import io.braid.schema.json.JsonRecordException;
import io.braid.schema.policy.UsePolicy;

/**
 * Nested fan-out: a branch of kind JOB carries a child job; the dispatcher fans it out as a job of its own in the
 * same transaction as the parent's (its manifest and tasks, never a record on the jobs topic, which any client can
 * write), and the aggregator turns the child's JobResult into the parent branch's result. The link travels in the
 * child's {@code parentJobId} and {@code braid.parent.*} metadata, which only the dispatcher writes: a client record
 * that sets them is refused (see {@link Identifiers}).
 */
public final class ChildJobs {

    /** Metadata keys on a child job (and its result): the parent's branch and round it answers. */
    public static final String PARENT_BRANCH = "braid.parent.branchId";
    public static final String PARENT_ROUND = "braid.parent.round";
    /** The parent's dispatch (see JobManifest.dispatchId), which the parent branch's result must carry. */
    public static final String PARENT_DISPATCH = "braid.parent.dispatchId";

    /** Nesting deeper than this is refused, so a job cannot fan out without end. */
    public static final int MAX_DEPTH = 4;

    private ChildJobs() {
    }

    /** The child job's id: {@code <parent>/<branchId>}, with {@code @<round>} after round 1. */
    public static String childJobId(String parentJobId, String branchId, int round) {
        return parentJobId + "/" + branchId + (round > 1 ? "@" + round : "");
    }

    /**
     * The child job of a JOB branch, with its id, parent link and metadata set by Braid.
     *
     * @throws InvalidJobException when the branch's {@code job} is not a JSON JobRequest
     */
    public static JobRequest child(JobRequest parent, BranchSpec branch, int round) {
        if (branch.getJob() == null) {
            throw new InvalidJobException("branch '" + branch.getBranchId() + "' has kind JOB but no 'job'");
        }
        JsonNode tree;
        try {
            tree = AvroJson.readTree(branch.getJob());
        } catch (JsonRecordException e) {
            throw new InvalidJobException("branch '" + branch.getBranchId() + "': 'job' " + e.getMessage());
        }
        if (!(tree instanceof ObjectNode child)) {
            throw new InvalidJobException("branch '" + branch.getBranchId() + "': 'job' must be a JSON object (a "
                    + "JobRequest)");
        }
        if (child.has("parentJobId") && !child.get("parentJobId").isNull()) {
            throw new InvalidJobException("branch '" + branch.getBranchId() + "': 'job' sets parentJobId, which Braid "
                    + "sets for the child jobs it creates; leave it out");
        }
        if (child.get("metadata") instanceof ObjectNode given) {
            given.fieldNames().forEachRemaining(key -> {
                if (key.startsWith(Identifiers.RESERVED_METADATA_PREFIX)) {
                    throw new InvalidJobException("branch '" + branch.getBranchId() + "': 'job' has metadata."
                            + key + "; keys starting with '" + Identifiers.RESERVED_METADATA_PREFIX
                            + "' are Braid's own; rename it");
                }
            });
        }
        child.put("jobId", childJobId(parent.getJobId(), branch.getBranchId(), round));
        child.put("parentJobId", parent.getJobId());
        ObjectNode metadata = child.has("metadata") && child.get("metadata").isObject()
                ? (ObjectNode) child.get("metadata") : child.putObject("metadata");
        inheritTenant(parent, branch, metadata);
        metadata.put(PARENT_BRANCH, branch.getBranchId());
        metadata.put(PARENT_ROUND, Integer.toString(round));
        try {
            return AvroJson.fromJson(child, JobRequest.class);
        } catch (JsonRecordException e) {
            throw new InvalidJobException("branch '" + branch.getBranchId() + "': 'job' is not a valid JobRequest: "
                    + e.getMessage());
        }
    }

    /**
     * A child job runs as its parent's tenant: the tool and model policy, and the workers, judge it as the parent.
     * A child that names another tenant is refused, so a nested job cannot borrow another tenant's rights.
     */
    private static void inheritTenant(JobRequest parent, BranchSpec branch, ObjectNode metadata) {
        String tenant = UsePolicy.tenantOf(parent.getMetadata());
        JsonNode given = metadata.get(UsePolicy.TENANT_KEY);
        if (given != null && !given.isNull() && !given.asText().equals(tenant)) {
            throw new InvalidJobException("branch '" + branch.getBranchId() + "': 'job' has metadata."
                    + UsePolicy.TENANT_KEY + " '" + given.asText() + "', but a child job runs as its parent's tenant ("
                    + (tenant == null ? "none" : "'" + tenant + "'") + "); leave it out");
        }
        if (tenant == null) {
            metadata.remove(UsePolicy.TENANT_KEY);
        } else {
            metadata.put(UsePolicy.TENANT_KEY, tenant);
        }
    }

    /**
     * The branches of {@code job} and of all its child jobs together, counted until {@code cap} is passed (a nested
     * job multiplies: a thousand branches of a thousand-branch child each would be a million tasks).
     */
    static int totalBranches(JobRequest job, int cap) {
        int total = job.getBranches().size();
        for (BranchSpec branch : job.getBranches()) {
            if (total > cap) {
                return total;
            }
            if (branch.getJob() != null) {
                try {
                    total += totalBranches(child(job, branch, 1), cap - total);
                } catch (InvalidJobException e) {
                    // reported by the validator on its own
                }
            }
        }
        return total;
    }

    /** How deep {@code job} nests child jobs: 0 without JOB branches. Unreadable children count as depth 1. */
    static int depth(JobRequest job) {
        int deepest = 0;
        for (BranchSpec branch : job.getBranches()) {
            if (branch.getJob() != null) {
                int below;
                try {
                    below = 1 + depth(child(job, branch, 1));
                } catch (InvalidJobException e) {
                    below = 1;
                }
                deepest = Math.max(deepest, below);
                if (deepest > MAX_DEPTH) {
                    return deepest;
                }
            }
        }
        return deepest;
    }
}
