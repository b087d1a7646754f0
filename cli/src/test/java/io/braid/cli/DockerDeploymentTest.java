package io.braid.cli;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Docker files without a Docker engine: {@code docker-compose.yml} is valid for Debian's docker-compose,
 * sets only environment variables the applications read, and the Dockerfile copies every module and the jars the
 * build makes.
 */
class DockerDeploymentTest {

    private static final Path ROOT = Path.of("..");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(String name) throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        return (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get(name);
    }

    @SuppressWarnings("unchecked")
    private static Set<String> environment(String service) throws IOException {
        return ((Map<String, Object>) service(service).get("environment")).keySet();
    }

    @Test
    void composeFileIsValid() throws Exception {
        assertComposeConfigValid(Map.of());
    }

    /** {@code docker-compose config -q} with {@code arguments} (e.g. a profile) and {@code environment} succeeds. */
    private static void assertComposeConfigValid(Map<String, String> environment, String... arguments)
            throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("docker-compose", "-f", "docker-compose.yml"));
        command.addAll(List.of(arguments));
        command.addAll(List.of("config", "-q"));
        Process config;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
            builder.environment().put("BRAID_API_TOKEN", "test-token"); // required: compose has no default token
            builder.environment().putAll(environment);
            config = builder.start();
        } catch (IOException e) {
            assumeTrue(false, "docker-compose is not installed (.ci/run installs Debian's docker-compose)");
            return;
        }
        String output = new String(config.getInputStream().readAllBytes());
        assertThat(config.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(config.exitValue()).as(output).isZero();
    }

    @Test
    void composeSetsOnlyVariablesTheApplicationsRead() throws IOException {
        assertThat(BraidEnvironment.braidVariables(environment("orchestrator")))
                .isNotEmpty().isSubsetOf(BraidEnvironment.readBy("orchestrator"));
        assertThat(BraidEnvironment.braidVariables(environment("worker")))
                .isNotEmpty().isSubsetOf(BraidEnvironment.readBy("worker"));
        // the image's health check reads BRAID_HEALTH_PORT: each service points it at its own HTTP port
        assertThat(((Map<?, ?>) service("orchestrator").get("environment")).get("BRAID_HEALTH_PORT"))
                .isEqualTo(((Map<?, ?>) service("orchestrator").get("environment")).get("BRAID_ORCHESTRATOR_HTTP_PORT"));
        assertThat(((Map<?, ?>) service("worker").get("environment")).get("BRAID_HEALTH_PORT"))
                .isEqualTo(((Map<?, ?>) service("worker").get("environment")).get("BRAID_WORKER_HTTP_PORT"));
        assertThat(Files.readString(ROOT.resolve("Dockerfile"))).contains("${BRAID_HEALTH_PORT}/health/live");
        // provider keys passed to workers are ones a model in the mounted worker config can name
        String workerConfig = Files.readString(ROOT.resolve("deploy/compose/worker.yaml"));
        environment("worker").stream().filter(name -> !name.startsWith("BRAID_") && !name.startsWith("OTEL_"))
                .forEach(name -> assertThat(workerConfig).as(name).contains("apiKeyEnv: " + name));
    }

    @Test
    void theOrchestratorJudgesTheWorkersPolicyFromTheSameFile() throws IOException {
        Map<?, ?> env = (Map<?, ?>) service("orchestrator").get("environment");
        String policyFile = env.get("BRAID_POLICY_FILE").toString();
        assertThat(service("orchestrator").get("volumes").toString())
                .contains("./deploy/compose/worker.yaml:" + policyFile + ":ro");
        assertThat(((Map<?, ?>) service("worker").get("environment")).get("BRAID_WORKER_CONFIG")).isEqualTo(policyFile);
        java.nio.file.Path file = ROOT.resolve("deploy/compose/worker.yaml");
        assertThat(new io.braid.schema.policy.UsePolicy(io.braid.worker.WorkerConfig.loadPolicy(file)).allowsEverything())
                .as("the file has a policy section the orchestrator reads; it allows all until edited").isTrue();
    }

    @Test
    void composePublishesOnLoopbackAndTheApiAndMetricsTakeTokens() throws IOException {
        for (String name : List.of("kafka", "schema-registry", "orchestrator")) {
            assertThat((List<?>) service(name).get("ports")).as(name)
                    .allSatisfy(port -> assertThat(port.toString()).startsWith("${BRAID_PUBLISH_ADDRESS:-127.0.0.1}:"));
        }
        Map<?, ?> env = (Map<?, ?>) service("orchestrator").get("environment");
        assertThat(env.get("BRAID_HTTP_BIND")).isEqualTo("0.0.0.0");
        assertThat(env.get("BRAID_API_TOKEN").toString()).as("required, no default").startsWith("${BRAID_API_TOKEN:?");
        assertThat(service("worker")).doesNotContainKey("ports");
        // the workers' /metrics asks for the read token when one is exported (optional: empty leaves it open)
        Map<?, ?> workerEnv = (Map<?, ?>) service("worker").get("environment");
        assertThat(workerEnv.get("BRAID_API_READ_TOKEN")).isEqualTo("${BRAID_API_READ_TOKEN:-}")
                .isEqualTo(env.get("BRAID_API_READ_TOKEN"));
        assertThat(BraidEnvironment.readBy("worker")).contains("BRAID_API_READ_TOKEN");
    }

    @Test
    void theJaegerProfileAddsJaegerAndBothServicesTakeTheOtelVariables() throws Exception {
        assertThat(service("jaeger").get("profiles")).isEqualTo(List.of("jaeger"));
        assertThat(service("jaeger").get("image").toString()).startsWith("jaegertracing/all-in-one:");
        for (String braid : List.of("orchestrator", "worker")) {
            assertThat(environment(braid)).as(braid).contains("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_TRACES_EXPORTER");
            // empty unless exported: tracing stays off by default
            assertThat(((Map<?, ?>) service(braid).get("environment")).get("OTEL_EXPORTER_OTLP_ENDPOINT"))
                    .isEqualTo("${OTEL_EXPORTER_OTLP_ENDPOINT:-}");
        }
        assertComposeConfigValid(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://jaeger:4318"), "--profile", "jaeger");
    }

    @Test
    void workerServiceScalesAndWaitsForTheOrchestrator() throws IOException {
        Map<String, Object> worker = service("worker");

        assertThat(worker).doesNotContainKeys("container_name", "ports");
        assertThat(worker.get("depends_on").toString()).contains("orchestrator").contains("service_healthy");
        assertThat(worker.get("healthcheck").toString()).contains("/health/ready");
        assertThat(service("ollama").get("profiles")).isEqualTo(List.of("ollama"));
        assertThat(service("kafka").get("environment").toString())
                .contains("KAFKA_GROUP_SHARE_MAX_RECORD_LOCK_DURATION_MS=3600000");
        assertThat(service("kafka-init").get("command").toString()).contains("share.version=1");
    }

    @Test
    void dockerfileCopiesEveryModuleAndTheJarsTheBuildMakes() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        while (modules.find()) {
            assertThat(dockerfile).as("module " + modules.group(1))
                    .contains("COPY " + modules.group(1) + "/pom.xml " + modules.group(1) + "/");
        }
        assertThat(Files.readString(ROOT.resolve("cli/pom.xml"))).contains("<finalName>braid-cli</finalName>");
        assertThat(dockerfile).contains("/src/cli/target/braid-cli.jar", "/src/cli/target/lib/",
                "USER 10001", "MaxRAMPercentage", "HEALTHCHECK", "ENTRYPOINT [\"java\", \"-jar\", \"/opt/braid/braid-cli.jar\"]");
        assertThat(Files.readString(ROOT.resolve("examples/travel-tools/pom.xml")))
                .contains("<finalName>braid-travel-tools</finalName>");
    }
}
