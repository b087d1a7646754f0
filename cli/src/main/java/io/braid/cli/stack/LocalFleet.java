package io.braid.cli.stack;

import io.braid.schema.GroupIds;

import io.braid.client.BraidClient;
import io.braid.orchestrator.Orchestrator;
import io.braid.orchestrator.OrchestratorOptions;
import io.braid.orchestrator.TaskPartitions;
import io.braid.schema.BranchKind;
import io.braid.schema.BranchSpec;
import io.braid.schema.JobRequest;
import io.braid.schema.ToolCall;
import io.braid.schema.Topics;
import io.braid.stack.EmbeddedStack;
import io.braid.worker.Worker;
import io.braid.worker.WorkerOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.common.GroupState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Everything in one JVM: the embedded broker and registry on free loopback ports in a fresh temporary directory,
 * an orchestrator, and {@code workers} workers. What {@code braid demo} and {@code braid run} without
 * {@code --bootstrap-servers} use, and what the end-to-end tests drive.
 */
public final class LocalFleet implements AutoCloseable {

    private final Path dataDir;
    private final EmbeddedStack stack;
    private final Orchestrator orchestrator;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final List<Worker> workers;

    private LocalFleet(Path dataDir, EmbeddedStack stack, Orchestrator orchestrator, List<Worker> workers) {
        this.dataDir = dataDir;
        this.stack = stack;
        this.orchestrator = orchestrator;
        this.workers = workers;
    }

    public static LocalFleet start(int workers, UnaryOperator<WorkerOptions.Builder> workerSettings) {
        return start(workers, workerSettings, UnaryOperator.identity());
    }

    /** As {@link #start(int, UnaryOperator)}, with the orchestrator's settings adjusted too. */
    public static LocalFleet start(int workers, UnaryOperator<WorkerOptions.Builder> workerSettings,
                                   UnaryOperator<OrchestratorOptions.Builder> orchestratorSettings) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("braid-local");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
        EmbeddedStack stack = EmbeddedStack.start(dataDir.resolve("kafka"), 0, 0);
        Orchestrator orchestrator = Orchestrator.start(orchestratorSettings.apply(OrchestratorOptions
                .builder(stack.bootstrapServers(), stack.registryUrl())
                .partitions(3)
                .instanceId("local")
                .httpPort(0)
                .stateDir(dataDir.resolve("aggregator"))
                ).build());
        LocalFleet fleet = new LocalFleet(dataDir, stack, orchestrator, new CopyOnWriteArrayList<>());
        for (int i = 0; i < workers; i++) {
            fleet.addWorker(workerSettings);
        }
        return fleet;
    }

    /** Starts one more worker, named {@code worker-N}, in the running fleet: scaling out. */
    public Worker addWorker(UnaryOperator<WorkerOptions.Builder> workerSettings) {
        Worker worker = Worker.start(workerSettings.apply(WorkerOptions
                .builder(stack.bootstrapServers(), stack.registryUrl())
                .workerId("worker-" + (workers.size() + 1))).build());
        workers.add(worker);
        return worker;
    }

    public String bootstrapServers() {
        return stack.bootstrapServers();
    }

    public String registryUrl() {
        return stack.registryUrl();
    }

    public Topics topics() {
        return Topics.defaults();
    }

    public List<Worker> workers() {
        return List.copyOf(workers);
    }

    public Orchestrator orchestrator() {
        return orchestrator;
    }

    /** Waits until the aggregator is processing, so the first job is not held up by its start-up. */
    public LocalFleet awaitReady(Duration timeout) {
        orchestrator.awaitRunning(timeout);
        return this;
    }

    /**
     * Waits until the workers' share group is stable with every share consumer of the fleet in it and every
     * partition of the tasks topic assigned, so that no job waits for members still joining (a fleet's workers start
     * one after the other). Stable is not enough: a fresh group reports STABLE with all its members and no partition
     * assigned, and assigns them moments later. A settled group still delivers its first tasks late: see
     * {@link #warmUp}.
     *
     * @throws IllegalStateException when the group has not settled within {@code timeout}
     */
    public LocalFleet awaitSettledShareGroup(Duration timeout) {
        int consumers = workers.stream().mapToInt(Worker::consumers).sum();
        String tasks = topics().tasks();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!settled(admin, tasks, consumers)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the share group " + GroupIds.WORKERS + " did not "
                            + "settle with " + consumers + " consumers and every partition of " + tasks
                            + " assigned within " + timeout.toSeconds() + " s");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        }
        return this;
    }

    private static boolean settled(Admin admin, String tasks, int consumers) {
        try {
            int partitions = admin.describeTopics(List.of(tasks)).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get(tasks).partitions().size();
            ShareGroupDescription group = admin.describeShareGroups(List.of(GroupIds.WORKERS))
                    .describedGroups().get(GroupIds.WORKERS).get(10, TimeUnit.SECONDS);
            long assigned = group.members().stream()
                    .flatMap(member -> member.assignment().topicPartitions().stream())
                    .filter(partition -> partition.topic().equals(tasks))
                    .distinct().count();
            return group.groupState() == GroupState.STABLE && group.members().size() == consumers
                    && assigned == partitions;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the share group to settle", e);
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /**
     * Makes the fleet ready to start a job's first branches at once: waits for the share group to settle, then runs
     * one job with {@link TaskPartitions#BRANCHES_PER_PARTITION} calculator branches on every partition of the tasks
     * topic and waits for its result. Measured on the demo's fleet, a fresh share group's first delivery on a
     * partition came 350–500 ms after dispatch even once the group had settled, later ones within ≈ 50 ms.
     *
     * @return how long it took
     */
    public Duration warmUp(Duration timeout) {
        long start = System.nanoTime();
        awaitSettledShareGroup(timeout);
        int branches = tasksPartitions() * TaskPartitions.BRANCHES_PER_PARTITION;
        JobRequest job = JobRequest.newBuilder().setJobId("warm-up-" + UUID.randomUUID())
                .setBranches(IntStream.range(0, branches).mapToObj(i -> BranchSpec.newBuilder()
                        .setBranchId("w" + i).setKind(BranchKind.TOOL).setTool(ToolCall.newBuilder()
                                .setName("calculator").setArgumentsJson("{\"expression\": \"1 + 1\"}").build())
                        .build()).toList())
                .build();
        Instant sent = Instant.now();
        try (BraidClient client = new BraidClient(bootstrapServers(), registryUrl(), topics())) {
            client.submit(job);
            if (client.awaitResult(job.getJobId(), sent.minusSeconds(5), timeout, null).isEmpty()) {
                throw new IllegalStateException("the warm-up job " + job.getJobId() + " had no result within "
                        + timeout.toSeconds() + " s");
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private int tasksPartitions() {
        String tasks = topics().tasks();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            return admin.describeTopics(List.of(tasks)).allTopicNames().get(10, TimeUnit.SECONDS).get(tasks)
                    .partitions().size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing " + tasks, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe " + tasks + ": " + e, e);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // The whole fleet stops: no other worker could take over, so branches still running are not waited for.
        workers.forEach(worker -> worker.shutdown(Duration.ZERO));
        orchestrator.close();
        stack.close();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
