package io.braid.spring;

import io.braid.schema.JobEvent;
import io.braid.schema.JobEventType;
import io.braid.schema.JobRequest;
import io.braid.schema.JobResult;
import io.braid.schema.JobStatus;
import io.braid.schema.Topics;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.schema.serde.AvroSerializer;
import io.braid.testing.JobFixtures;
import io.braid.testing.TestKafka;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The template on a real broker, with the test in the orchestrator's place: it reads the submitted job and writes
 * results and events as the orchestrator would (and records it would never write).
 */
class BraidTemplateTest {

    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static final List<JobEvent> HEARD = new CopyOnWriteArrayList<>();
    private static TestKafka kafka;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start() {
        kafka = TestKafka.start();
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        producer.close();
        kafka.close();
    }

    @Configuration
    static class Listener {
        @Bean
        BraidEventListener heard() {
            return HEARD::add;
        }
    }

    private final Topics topics = new Topics("t" + PREFIXES.incrementAndGet() + ".");
    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, BraidAutoConfiguration.class))
            .withUserConfiguration(Listener.class)
            .withPropertyValues("spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                    "braid.registry-url=" + kafka.registryUrl(), "braid.topic-prefix=" + topics.prefix());

    private void createTopics() throws Exception {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(topics.jobs(), topics.jobResults(), topics.jobEvents(), topics.control())
                    .stream().map(name -> new NewTopic(name, 3, (short) 1)).toList()).all().get(30, TimeUnit.SECONDS);
        }
    }

    private void write(String topic, String key, SpecificRecord value) throws Exception {
        byte[] bytes = new AvroSerializer<>(kafka.registryClient()).serialize(topic, value);
        producer.send(new ProducerRecord<>(topic, key, bytes)).get(10, TimeUnit.SECONDS);
    }

    private static JobResult result(String jobId, JobStatus status) {
        return JobResult.newBuilder().setJobId(jobId).setStatus(status).setCompletedBy("ALL").setBranches(List.of())
                .setSubmittedAt(JobFixtures.T0).setCompletedAt(JobFixtures.T0).build();
    }

    @Test
    void a_template_started_before_the_topics_exist_gets_its_jobs_result_and_events() {
        context.run(app -> {
            BraidTemplate braid = app.getBean(BraidTemplate.class);
            createTopics();
            List<JobEvent> events = new CopyOnWriteArrayList<>();

            CompletableFuture<JobResult> future = braid.submit(JobFixtures.llmJob("early", 2), events::add);
            await().atMost(Duration.ofSeconds(20)).until(() -> TestKafka.readAll(kafka.bootstrapServers(),
                    topics.jobs(), new AvroDeserializer<>(kafka.registryClient(), JobRequest.class)).stream()
                    .anyMatch(r -> r.key().equals("early") && r.value().getBranches().size() == 2));
            JobEvent started = JobEvent.newBuilder().setJobId("early").setType(JobEventType.BRANCH_STARTED)
                    .setBranchId("b0").setAt(Instant.now()).build();
            write(topics.jobEvents(), "early", started);
            write(topics.jobResults(), "other", result("other", JobStatus.FAILED));
            producer.send(new ProducerRecord<>(topics.jobResults(), "someone-else", new byte[]{9, 9})).get();
            write(topics.jobResults(), "early", result("early", JobStatus.SUCCEEDED));

            JobResult result = future.get(60, TimeUnit.SECONDS);
            assertThat(result.getJobId()).isEqualTo("early");
            assertThat(result.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(events).containsExactly(started);
            assertThat(HEARD).contains(started);
            assertThat(braid.pendingJobs()).isZero();
            await().atMost(Duration.ofSeconds(20)).until(braid::listening);
            assertThat(braid.resultPartitionsAssigned()).isEqualTo(3);
        });
    }

    @Test
    void an_unreadable_result_fails_its_jobs_future_with_the_reason() {
        context.run(app -> {
            createTopics();
            BraidTemplate braid = app.getBean(BraidTemplate.class);
            CompletableFuture<JobResult> future = braid.submit(JobFixtures.llmJob("garbled", 1));

            producer.send(new ProducerRecord<>(topics.jobResults(), "garbled", new byte[]{1, 2, 3})).get();

            assertThatThrownBy(() -> future.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().hasMessageContaining("the result of job garbled at " + topics.jobResults());
        });
    }

    @Test
    void a_job_without_a_result_fails_with_a_timeout_naming_the_setting() {
        context.withPropertyValues("braid.template.result-timeout=1s").run(app -> {
            createTopics();
            CompletableFuture<JobResult> future = app.getBean(BraidTemplate.class)
                    .submit(JobFixtures.llmJob("lonely", 1));

            assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("no result for job lonely within PT1S (braid.template.result-timeout)");
        });
    }
}
