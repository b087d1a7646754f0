package io.braid.worker;

import io.braid.schema.RecordLimits;
import io.braid.worker.internal.KafkaClients;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The worker's result limit, the producer size it implies, and how long a task waits for the registry. */
class WorkerOptionsTest {

    private static WorkerOptions.Builder builder() {
        return WorkerOptions.builder("127.0.0.1:9092", "http://127.0.0.1:8081");
    }

    @Test
    void the_result_limit_defaults_to_the_shared_one_and_the_producer_sends_a_default_record() {
        WorkerOptions options = builder().build();

        assertThat(options.maxResultBytes()).isEqualTo(RecordLimits.DEFAULT_MAX_RESULT_BYTES);
        assertThat(KafkaClients.producerConfig(options)).containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                RecordLimits.DEFAULT_RECORD_BYTES + RecordLimits.FRAMING_BYTES);
    }

    @Test
    void a_larger_result_limit_raises_the_producers_request_size_to_hold_it_twice() {
        WorkerOptions options = builder().maxResultBytes(3 << 20).build();

        assertThat(KafkaClients.producerConfig(options)).containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                (6 << 20) + RecordLimits.FRAMING_BYTES);
    }

    @Test
    void a_result_limit_too_small_or_too_large_is_refused_naming_the_option() {
        assertThatThrownBy(() -> builder().maxResultBytes(100).build())
                .hasMessageContaining("max result bytes 100 (--max-result-bytes) is too small; use 1024 or more");
        assertThatThrownBy(() -> builder().maxResultBytes(Integer.MAX_VALUE).build())
                .hasMessageContaining("--max-result-bytes");
    }

    @Test
    void records_per_poll_unless_set_keeps_a_worker_at_32_share_consumers_or_fewer() {
        assertThat(builder().build().recordsPerPoll()).isEqualTo(16);
        assertThat(builder().maxInFlight(4).build().recordsPerPoll()).isEqualTo(4);
        assertThat(builder().maxInFlight(4).build().consumers()).isEqualTo(1);
        assertThat(builder().build().consumers()).isEqualTo(16);
        assertThat(builder().maxInFlight(512).build().consumers()).isEqualTo(32);
        WorkerOptions wide = builder().maxInFlight(10_000).build();
        assertThat(wide.recordsPerPoll()).isEqualTo(313);
        assertThat(wide.consumers()).isEqualTo(32);
        assertThat(builder().maxInFlight(10_000).recordsPerPoll(40).build().consumers()).isEqualTo(250);
        // 32 × 313 = 10,016: the last consumer takes 297, so the worker never holds more than its limit
        assertThat(java.util.stream.IntStream.range(0, wide.consumers()).map(i -> (Integer) KafkaClients
                .consumerConfig(wide, i).get(org.apache.kafka.clients.consumer.ConsumerConfig.MAX_POLL_RECORDS_CONFIG))
                .sum()).isEqualTo(10_000);
        assertThatThrownBy(() -> builder().maxInFlight(100_000).recordsPerPoll(16).build())
                .hasMessageContaining("needs 6250 share consumers; raise records per poll");
    }

    @Test
    void the_member_share_refresh_defaults_to_5_s_and_a_value_out_of_range_is_refused_naming_it() {
        assertThat(builder().build().memberShareRefresh()).isEqualTo(Duration.ofSeconds(5));
        assertThat(builder().memberShareRefresh(Duration.ofSeconds(2)).build().memberShareRefresh())
                .isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> builder().memberShareRefresh(Duration.ofMillis(10)).build())
                .hasMessageContaining("member share refresh PT0.01S is outside 1 s to 5 min (default 5 s)");
        assertThatThrownBy(() -> builder().memberShareRefresh(Duration.ofHours(1)).build())
                .hasMessageContaining("member share refresh PT1H is outside");
    }

    @Test
    void the_status_interval_defaults_to_5_s_zero_turns_it_off_and_a_value_out_of_range_is_refused_naming_it() {
        assertThat(builder().build().statusInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(builder().statusInterval(Duration.ZERO).build().statusInterval()).isZero();
        assertThatThrownBy(() -> builder().statusInterval(Duration.ofMillis(500)).build())
                .hasMessageContaining("status interval PT0.5S (--status-interval) is outside 1 s to 5 min; 0s turns");
        assertThatThrownBy(() -> builder().statusInterval(Duration.ofMinutes(6)).build())
                .hasMessageContaining("(--status-interval) is outside");
    }

    @Test
    void the_share_delivery_limit_defaults_to_kafkas_5_and_a_value_outside_kafkas_range_is_refused_naming_it() {
        assertThat(builder().build().shareDeliveryLimit()).isEqualTo(5);
        assertThat(builder().shareDeliveryLimit(10).build().shareDeliveryLimit()).isEqualTo(10);
        assertThatThrownBy(() -> builder().shareDeliveryLimit(1).build())
                .hasMessageContaining("share delivery limit 1 (shareDeliveryLimit) is outside Kafka's 2 to 10");
        assertThatThrownBy(() -> builder().shareDeliveryLimit(11).build())
                .hasMessageContaining("group.share.delivery.count.limit");
    }

    @Test
    void a_task_waits_for_the_registry_half_its_run_budget_and_at_most_a_minute() {
        assertThat(builder().build().registryWait()).isEqualTo(Duration.ofMinutes(1));
        assertThat(builder().recordLockDuration(Duration.ofSeconds(10)).defaultTimeout(Duration.ofSeconds(5)).build()
                .registryWait()).isEqualTo(Duration.ofMillis(4_500));
    }

    @Test
    void printed_options_hide_the_registry_password_and_secret_kafka_properties() {
        String printed = WorkerOptions.builder("127.0.0.1:9092", "https://svc:s3cret@registry:8081")
                .kafkaProperties(java.util.Map.of("sasl.jaas.config", "ScramLoginModule required password=\"pw\";",
                        "security.protocol", "SASL_SSL"))
                .build().toString();

        assertThat(printed).contains("registryUrl=https://svc:***@registry:8081", "sasl.jaas.config=***",
                "security.protocol=SASL_SSL", "maxInFlight=256").doesNotContain("s3cret").doesNotContain("pw");
    }
}
