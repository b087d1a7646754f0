package io.braid.orchestrator.internal.dispatch;

import io.braid.orchestrator.TaskPartitions;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskPartitionsTest {

    @Test
    void a_small_job_stays_where_kafka_sends_the_jobs_key() {
        for (String jobId : List.of("job-1", "trip-to-lisbon", "nested-2/research", "ü")) {
            int keyed = BuiltInPartitioner.partitionForKey(jobId.getBytes(StandardCharsets.UTF_8), 12);
            assertThat(IntStream.range(0, TaskPartitions.BRANCHES_PER_PARTITION)
                    .map(i -> TaskPartitions.partition(jobId, i, 12))).as(jobId).containsOnly(keyed);
        }
    }

    @Test
    void a_wide_job_takes_consecutive_partitions_a_run_at_a_time_and_wraps_around() {
        int first = TaskPartitions.partition("job-1", 0, 4, 2);
        assertThat(IntStream.range(0, 10).map(i -> TaskPartitions.partition("job-1", i, 4, 2)))
                .containsExactly(first, first, (first + 1) % 4, (first + 1) % 4, (first + 2) % 4, (first + 2) % 4,
                        (first + 3) % 4, (first + 3) % 4, first, first);
    }

    @Test
    void a_hundred_branches_spread_evenly_in_runs_of_sixteen() {
        Map<Integer, Long> perPartition = IntStream.range(0, 100).boxed()
                .collect(Collectors.groupingBy(i -> TaskPartitions.partition("wide-job", i, 12), Collectors.counting()));
        assertThat(perPartition.values()).containsExactlyInAnyOrder(16L, 16L, 16L, 16L, 16L, 16L, 4L);
        assertThat(IntStream.range(0, 10).map(i -> TaskPartitions.partition("wide-job", i, 10, 1)).sorted())
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void a_topic_without_partitions_or_an_empty_run_is_refused() {
        assertThatThrownBy(() -> TaskPartitions.partition("job-1", 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TaskPartitions.partition("job-1", 0, 4, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void the_tasks_the_join_publishes_one_by_one_spread_over_every_partition() {
        Map<Integer, Long> perPartition = IntStream.range(0, 9_744).boxed().collect(Collectors.groupingBy(
                i -> TaskPartitions.partition("wide-job", "b" + i, 12), Collectors.counting()));

        assertThat(perPartition).hasSize(12);
        assertThat(perPartition.values()).allSatisfy(count -> assertThat(count).isBetween(700L, 920L));
        assertThatThrownBy(() -> TaskPartitions.partition("job-1", "b1", 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
