package io.braid.orchestrator;

import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;

/**
 * Where a job's tasks go on the tasks topic: in runs of {@value #BRANCHES_PER_PARTITION} branches on consecutive
 * partitions, starting where the job's key hashes to.
 *
 * <p>Why: a share group gives each member a share of the partitions — with more members than partitions, each
 * member fetches from about one partition — so a job's parallelism is bounded by the members on the partitions its
 * tasks sit on. Keyed by jobId alone, a 100-branch job would sit on one partition and run on the few members
 * assigned to it. A run of up to {@value #BRANCHES_PER_PARTITION} (the workers' default records per poll) stays on
 * one partition, so one consumer takes a small job in one fetch — the fastest fan-out for short branches; a wider
 * job spreads over the fleet.
 *
 * <p>The records stay keyed by jobId (the dead-letter topic and the tools read the key as the job); only the
 * partition is chosen.
 */
public final class TaskPartitions {

    /** Branches of one job placed together on a partition: the workers' default records per poll. */
    public static final int BRANCHES_PER_PARTITION = 16;

    private TaskPartitions() {
    }

    /**
     * The partition of branch {@code branchIndex} (0-based, in the job's order) of job {@code jobId} on a tasks topic
     * of {@code partitions} partitions, runs of {@code branchesPerPartition} together. The first run goes where
     * Kafka's default partitioner sends the key.
     */
    public static int partition(String jobId, int branchIndex, int partitions, int branchesPerPartition) {
        if (partitions < 1 || branchesPerPartition < 1) {
            throw new IllegalArgumentException("partitions = " + partitions + ", branches per partition = "
                    + branchesPerPartition + "; both must be 1 or more");
        }
        int keyed = Utils.toPositive(Utils.murmur2(jobId.getBytes(StandardCharsets.UTF_8))) % partitions;
        return Math.floorMod(keyed + branchIndex / branchesPerPartition, partitions);
    }

    /** {@link #partition(String, int, int, int)} with {@value #BRANCHES_PER_PARTITION} branches per partition. */
    public static int partition(String jobId, int branchIndex, int partitions) {
        return partition(jobId, branchIndex, partitions, BRANCHES_PER_PARTITION);
    }

    /**
     * The partition of a task the aggregator publishes one at a time (the next of a job's window, a replayed branch,
     * the final aggregation step), spread by its branch id: the window's later tasks of a wide job reach every part
     * of the fleet, as the dispatcher's runs do, instead of piling onto the partition its job id hashes to.
     */
    public static int partition(String jobId, String branchId, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions = " + partitions + "; must be 1 or more");
        }
        byte[] key = (jobId + "\u0000" + branchId).getBytes(StandardCharsets.UTF_8);
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }
}
