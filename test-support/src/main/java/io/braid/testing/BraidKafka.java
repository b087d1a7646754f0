package io.braid.testing;

import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Kafka and a schema registry for testing an application against Braid: in a Testcontainers container when a
 * Docker engine is there, else the in-process broker of {@link TestKafka} — the same tests run on both.
 *
 * <pre>{@code
 * static final BraidKafka KAFKA = BraidKafka.start();   // once per test class; close() in @AfterAll
 * @DynamicPropertySource
 * static void kafka(DynamicPropertyRegistry registry) {
 *     KAFKA.springProperties().forEach((name, value) -> registry.add(name, () -> value));
 * }
 * }</pre>
 *
 * <p>Which one ({@link #start()}): the system property {@value #SETTING} (or the environment variable
 * {@code BRAID_TESTCONTAINERS}) says {@code off} (in-process), {@code on} (a container; fails when Docker or
 * Testcontainers is missing) or {@code auto} (the default: a container when {@code org.testcontainers:testcontainers-kafka}
 * is on the test class path and a Docker engine answers, else in-process). In a container it runs the
 * {@code apache/kafka} image of the Kafka clients' version (system property {@value #IMAGE} to change it), with the
 * embedded schema registry in this JVM keeping its schemas there.
 */
public final class BraidKafka implements AutoCloseable {

    /** The system property that chooses: {@code off}, {@code on} or {@code auto}. */
    public static final String SETTING = "braid.testcontainers";
    /** The system property naming the Kafka image of the container. */
    public static final String IMAGE = "braid.testcontainers.image";

    /** Where Kafka runs. */
    public enum Mode { IN_PROCESS, CONTAINER }

    private final Mode mode;
    private final String bootstrapServers;
    private final String registryUrl;
    private final AutoCloseable resources;

    BraidKafka(Mode mode, String bootstrapServers, String registryUrl, AutoCloseable resources) {
        this.mode = mode;
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
        this.resources = resources;
    }

    /** Starts Kafka and the registry where {@value #SETTING} says (see the class comment). */
    public static BraidKafka start() {
        String setting = System.getProperty(SETTING, System.getenv("BRAID_TESTCONTAINERS"));
        return start(choose(setting, BraidKafka::testcontainersPresent, () -> ContainerKafka.dockerAvailable()));
    }

    /** Starts Kafka and the registry in {@code mode}. */
    public static BraidKafka start(Mode mode) {
        if (mode == Mode.CONTAINER) {
            return ContainerKafka.start(System.getProperty(IMAGE, ContainerKafka.defaultImage()));
        }
        TestKafka kafka = TestKafka.start();
        return new BraidKafka(Mode.IN_PROCESS, kafka.bootstrapServers(), kafka.registryUrl(), kafka);
    }

    /**
     * Where to run, from the setting ({@code off}, {@code on}, {@code auto} or null for auto), whether
     * Testcontainers is on the class path and whether a Docker engine answers (asked only when it matters).
     *
     * @throws IllegalArgumentException for another setting
     * @throws IllegalStateException    for {@code on} without Testcontainers or Docker
     */
    static Mode choose(String setting, BooleanSupplier testcontainers, BooleanSupplier docker) {
        String value = setting == null || setting.isBlank() ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
        switch (value) {
            case "off":
                return Mode.IN_PROCESS;
            case "auto":
                return testcontainers.getAsBoolean() && docker.getAsBoolean() ? Mode.CONTAINER : Mode.IN_PROCESS;
            case "on":
                if (!testcontainers.getAsBoolean()) {
                    throw new IllegalStateException(SETTING + "=on, but org.testcontainers:testcontainers-kafka is "
                            + "not on the test class path; add it, or use auto or off");
                }
                if (!docker.getAsBoolean()) {
                    throw new IllegalStateException(SETTING + "=on, but no Docker engine answers; start one, or "
                            + "use auto or off");
                }
                return Mode.CONTAINER;
            default:
                throw new IllegalArgumentException(SETTING + "=" + setting + " is not off, on or auto");
        }
    }

    private static boolean testcontainersPresent() {
        try {
            Class.forName("org.testcontainers.kafka.KafkaContainer", false, BraidKafka.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    public Mode mode() {
        return mode;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String registryUrl() {
        return registryUrl;
    }

    /**
     * What a Spring Boot test needs to reach it: {@code spring.kafka.bootstrap-servers} and
     * {@code braid.registry-url}, for a {@code @DynamicPropertySource} (or any other property source).
     */
    public Map<String, String> springProperties() {
        return Map.of("spring.kafka.bootstrap-servers", bootstrapServers, "braid.registry-url", registryUrl);
    }

    /** Stops the registry and Kafka (and the container). */
    @Override
    public void close() {
        try {
            resources.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop " + mode + " Kafka: " + e.getMessage(), e);
        }
    }
}
