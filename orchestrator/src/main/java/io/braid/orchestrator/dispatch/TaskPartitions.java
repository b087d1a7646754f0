package io.braid.orchestrator.dispatch;

import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;

/**
 * Where a job's tasks go on the tasks topic: its branches on consecutive partitions, starting where the job's key
 * hashes to. A share group assigns each member a share of the partitions — with more members than partitions,
 * each member fetches from about one partition — so a job's parallelism is bounded by the members on the
 * partitions its tasks sit on. Keyed by jobId alone, a job's tasks would all sit on one partition, and a
 * 100-branch job would run on the few members assigned to it; spread, a job of at least as many branches as there
 * are partitions uses every member of the fleet, and every partition gets an equal share of it.
 *
 * <p>The records stay keyed by jobId (the dead-letter topic and the tools read the key as the job); only the
 * partition is chosen.
 */
public final class TaskPartitions {

    private TaskPartitions() {
    }

    /**
     * The partition of branch {@code branchIndex} (0-based, in the job's order) of job {@code jobId} on a tasks topic
     * of {@code partitions} partitions. Branch 0 goes where Kafka's default partitioner sends the key.
     */
    public static int partition(String jobId, int branchIndex, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions = " + partitions);
        }
        int keyed = Utils.toPositive(Utils.murmur2(jobId.getBytes(StandardCharsets.UTF_8))) % partitions;
        return Math.floorMod(keyed + branchIndex, partitions);
    }
}
