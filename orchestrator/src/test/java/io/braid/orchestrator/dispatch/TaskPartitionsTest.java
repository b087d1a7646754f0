package io.braid.orchestrator.dispatch;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskPartitionsTest {

    @Test
    void the_first_branch_goes_where_kafka_sends_the_jobs_key() {
        for (String jobId : List.of("job-1", "trip-to-lisbon", "nested-2/research", "ü")) {
            assertThat(TaskPartitions.partition(jobId, 0, 12)).as(jobId)
                    .isEqualTo(BuiltInPartitioner.partitionForKey(jobId.getBytes(StandardCharsets.UTF_8), 12));
        }
    }

    @Test
    void a_jobs_branches_take_consecutive_partitions_and_wrap_around() {
        int first = TaskPartitions.partition("job-1", 0, 4);
        assertThat(IntStream.range(0, 6).map(i -> TaskPartitions.partition("job-1", i, 4)))
                .containsExactly(first, (first + 1) % 4, (first + 2) % 4, (first + 3) % 4, first, (first + 1) % 4);
    }

    @Test
    void as_many_branches_as_partitions_cover_every_partition_once() {
        assertThat(IntStream.range(0, 10).map(i -> TaskPartitions.partition("wide-job", i, 10)).sorted())
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void a_topic_without_partitions_is_refused() {
        assertThatThrownBy(() -> TaskPartitions.partition("job-1", 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
