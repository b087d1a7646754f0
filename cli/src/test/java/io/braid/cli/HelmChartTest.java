package io.braid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.braid.schema.kafka.KafkaConnection;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.security.auth.login.AppConfigurationEntry;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Helm chart, through helm-java (Helm itself, embedded): {@code helm lint --strict}, {@code helm template}
 * with the default values and the value sets in {@code helm/braid/ci/}, assertions on the rendered manifests, and
 * every manifest validated against the Kubernetes, KEDA and Prometheus Operator schemas (npm
 * {@code kubernetes-models}, by {@code deploy/validate/validate.js}).
 */
class HelmChartTest {

    private static final Path CHART = Path.of("..", "helm", "braid");
    private static final Path VALIDATOR = Path.of("..", "deploy", "validate");
    private static final Path RENDERED = Path.of("target", "helm");
    private static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory());

    @BeforeAll
    static void prepare() throws IOException {
        Files.createDirectories(RENDERED);
    }

    /** The rendered manifests of a value set ("default" = the chart's values), by "Kind/name". */
    private static Map<String, JsonNode> render(String valueSet) throws IOException {
        return render(valueSet, valueSet.equals("default") ? null : CHART.resolve("ci").resolve(valueSet + ".yaml"));
    }

    /** The rendered manifests with the values in {@code valuesFile} (null: the chart's), by "Kind/name". */
    private static Map<String, JsonNode> render(String valueSet, Path valuesFile) throws IOException {
        var template = new Helm(CHART).template().withName("braid").withNamespace("jobs");
        if (valuesFile != null) {
            template.withValuesFile(valuesFile);
        }
        String manifests = template.call();
        Files.writeString(RENDERED.resolve(valueSet + ".yaml"), manifests);
        Map<String, JsonNode> byName = new TreeMap<>();
        try (var parser = YAML.getFactory().createParser(manifests)) {
            for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
                if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                    byName.put(doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText(), doc);
                }
            }
        }
        return byName;
    }

    private static Map<String, String> env(JsonNode workload) {
        Map<String, String> env = new TreeMap<>();
        for (JsonNode var : workload.at("/spec/template/spec/containers/0/env")) {
            env.put(var.path("name").asText(), var.has("value") ? var.path("value").asText()
                    : "from " + var.path("valueFrom").fieldNames().next() + ":"
                    + var.path("valueFrom").elements().next().path("name").asText());
        }
        return env;
    }

    private static JsonNode envVar(JsonNode workload, String name) {
        for (JsonNode var : workload.at("/spec/template/spec/containers/0/env")) {
            if (var.path("name").asText().equals(name)) {
                return var;
            }
        }
        throw new AssertionError(name + " is not in the environment of " + workload.at("/metadata/name"));
    }

    @Test
    void lintsStrictly() {
        LintResult lint = new Helm(CHART).lint().strict().call();

        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void defaultValuesRenderAnOrchestratorStatefulSetAndAWorkerFleetScaledOnCpu() throws IOException {
        Map<String, JsonNode> manifests = render("default");

        assertThat(manifests.keySet()).containsExactlyInAnyOrder("ConfigMap/braid-worker",
                "StatefulSet/braid-orchestrator", "Service/braid-orchestrator-headless", "Service/braid-orchestrator",
                "PodDisruptionBudget/braid-orchestrator", "Deployment/braid-worker", "Service/braid-worker",
                "PodDisruptionBudget/braid-worker", "HorizontalPodAutoscaler/braid-worker",
                "NetworkPolicy/braid-worker", "NetworkPolicy/braid-orchestrator");
        JsonNode orchestrator = manifests.get("StatefulSet/braid-orchestrator");
        assertThat(orchestrator.at("/spec/replicas").asInt()).isEqualTo(2);
        assertThat(env(orchestrator)).containsEntry("BRAID_INSTANCE_ID", "$(POD_NAME)")
                .containsEntry("BRAID_STANDBY_REPLICAS", "1").containsEntry("BRAID_ORCHESTRATOR_HTTP_PORT", "8088")
                .containsEntry("BRAID_ADVERTISED_HOST", "$(POD_NAME).braid-orchestrator-headless.$(POD_NAMESPACE).svc")
                .doesNotContainKey("BRAID_KAFKA_PROPERTIES");
        JsonNode worker = manifests.get("Deployment/braid-worker");
        assertThat(worker.at("/spec/replicas").isMissingNode()).as("the HPA owns the replica count").isTrue();
        assertThat(worker.at("/spec/template/spec/containers/0/readinessProbe/httpGet/path").asText())
                .isEqualTo("/health/ready");
        assertThat(worker.at("/spec/template/spec/containers/0/livenessProbe/httpGet/path").asText())
                .isEqualTo("/health/live");
        assertThat(worker.at("/spec/template/spec/terminationGracePeriodSeconds").asInt()).isEqualTo(30 + 15);
        assertThat(worker.at("/spec/template/metadata/annotations/prometheus.io~1scrape").asText()).isEqualTo("true");
        assertThat(worker.at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(env(worker)).containsEntry("BRAID_WORKER_CONFIG", "/etc/braid/worker/worker.yaml")
                .containsEntry("BRAID_RECORD_LOCK", "5m").containsEntry("BRAID_WORKER_MAX_IN_FLIGHT", "256");
        assertThat(manifests.get("ConfigMap/braid-worker").at("/data/worker.yaml").asText())
                .contains("provider: simulated");
        assertThat(manifests.get("HorizontalPodAutoscaler/braid-worker").at("/spec/metrics/0/resource/name").asText())
                .isEqualTo("cpu");
    }

    @Test
    void kedaScalesWorkersOnTheOrchestratorsBacklogInsteadOfTheHpa() throws IOException {
        Map<String, JsonNode> manifests = render("keda-values");

        assertThat(manifests).doesNotContainKey("HorizontalPodAutoscaler/braid-worker")
                .containsKey("ServiceMonitor/braid");
        JsonNode trigger = manifests.get("ScaledObject/braid-worker").at("/spec/triggers/0");
        assertThat(trigger.path("type").asText()).isEqualTo("metrics-api");
        assertThat(trigger.at("/metadata/url").asText()).isEqualTo("http://braid-orchestrator.jobs.svc:8088/backlog");
        assertThat(trigger.at("/metadata/valueLocation").asText()).isEqualTo("backlog");
        assertThat(trigger.at("/metadata/targetValue").asText()).isEqualTo("128");
        assertThat(manifests.get("Deployment/braid-worker").at("/spec/template/metadata/annotations")
                .has("prometheus.io/scrape")).isFalse();
    }

    @Test
    void externalKafkaWithSaslAndTlsTakesEverySecretFromSecrets() throws IOException {
        Map<String, JsonNode> manifests = render("external-kafka-sasl-tls-values");

        String properties = manifests.get("ConfigMap/braid-kafka").at("/data/kafka.properties").asText();
        assertThat(properties).contains("security.protocol=SASL_SSL", "sasl.mechanism=SCRAM-SHA-512",
                "sasl.jaas.config=${env:KAFKA_SASL_JAAS_CONFIG}\n",
                "ssl.truststore.location=/etc/braid/kafka-tls/truststore.p12",
                "ssl.truststore.password=${env:KAFKA_TRUSTSTORE_PASSWORD}", "client.dns.lookup=use_all_dns_ips");
        for (String workload : List.of("Deployment/braid-worker", "StatefulSet/braid-orchestrator")) {
            JsonNode pod = manifests.get(workload);
            assertThat(env(pod)).as(workload)
                    .containsEntry("BRAID_BOOTSTRAP_SERVERS", "b-1.kafka.example.com:9096,b-2.kafka.example.com:9096")
                    .containsEntry("BRAID_KAFKA_PROPERTIES", "/etc/braid/kafka/kafka.properties")
                    .containsEntry("KAFKA_SASL_JAAS_CONFIG", "from secretKeyRef:kafka-braid-user")
                    .doesNotContainKeys("KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD")
                    .containsEntry("KAFKA_TRUSTSTORE_PASSWORD", "from secretKeyRef:kafka-ca")
                    .containsEntry("BRAID_REGISTRY_USERNAME", "from secretKeyRef:registry-credentials")
                    .containsEntry("BRAID_REGISTRY_PASSWORD", "from secretKeyRef:registry-credentials")
                    .as("raw credentials stay out of the URL: Braid encodes them")
                    .containsEntry("BRAID_REGISTRY_URL", "https://registry.example.com");
            assertThat(pod.at("/spec/template/spec/volumes").findValuesAsText("secretName")).as(workload)
                    .contains("kafka-ca");
            assertThat(pod.at("/spec/template/spec/containers/0/volumeMounts").findValuesAsText("mountPath"))
                    .contains("/etc/braid/kafka", "/etc/braid/kafka-tls");
        }
        JsonNode orchestrator = manifests.get("StatefulSet/braid-orchestrator");
        assertThat(env(orchestrator)).as("the workers' policy is judged at submission too")
                .containsEntry("BRAID_POLICY_FILE", "/etc/braid/worker/worker.yaml");
        assertThat(orchestrator.at("/spec/template/spec/volumes").findValuesAsText("name")).contains("braid-worker");
        assertThat(env(render("default").get("StatefulSet/braid-orchestrator"))).as("no policy, no policy file")
                .doesNotContainKey("BRAID_POLICY_FILE");
        assertThat(env(manifests.get("Deployment/braid-worker")))
                .containsEntry("OPENAI_API_KEY", "from secretKeyRef:braid-provider-keys")
                .containsEntry("ANTHROPIC_API_KEY", "from secretKeyRef:braid-provider-keys");
        assertThat(manifests.values().stream().map(JsonNode::toString).collect(Collectors.joining()))
                .doesNotContain("kind\":\"Secret\"");
    }

    @Test
    void saslCredentialsGivenAsValuesBecomeAnEscapedJaasLineInASecretThatKafkaReadsBack() throws Exception {
        Path ci = CHART.resolve("ci").resolve("kafka-sasl-credentials-values.yaml");
        JsonNode sasl = YAML.readTree(ci.toFile()).at("/kafka/sasl");
        assertJaasRoundTrip("kafka-sasl-credentials-values", ci, "PlainLoginModule",
                sasl.path("username").asText(), sasl.path("password").asText());
        // line breaks, a tab and non-ASCII too, under SCRAM
        Path generated = RENDERED.resolve("sasl-line-breaks-values.yaml");
        YAML.writeValue(generated.toFile(), Map.of("kafka", Map.of("sasl", Map.of("enabled", true,
                "mechanism", "SCRAM-SHA-256", "username", "user\nname", "password", "a\r\nb\tc \\\"ü€\n"))));
        assertJaasRoundTrip("sasl-line-breaks-values", generated, "ScramLoginModule", "user\nname",
                "a\r\nb\tc \\\"ü€\n");
    }

    /**
     * The chart's Secret holds a sasl.jaas.config line that Kafka's own parser ({@code JaasContext}) reads back
     * as {@code username} and {@code password}, after Braid's loader puts it into kafka.properties from the
     * environment variable the pods take from that Secret; no ConfigMap holds either.
     */
    private static void assertJaasRoundTrip(String valueSet, Path values, String loginModule, String username,
                                            String password) throws Exception {
        Map<String, JsonNode> manifests = render(valueSet, values);

        for (String workload : List.of("Deployment/braid-worker", "StatefulSet/braid-orchestrator")) {
            JsonNode ref = envVar(manifests.get(workload), "KAFKA_SASL_JAAS_CONFIG").at("/valueFrom/secretKeyRef");
            assertThat(ref.path("name").asText() + "/" + ref.path("key").asText()).as(workload)
                    .isEqualTo("braid-kafka-sasl/sasl.jaas.config");
        }
        String jaas = new String(java.util.Base64.getDecoder().decode(
                manifests.get("Secret/braid-kafka-sasl").at("/data/sasl.jaas.config").asText()), UTF_8);
        Path properties = Files.writeString(RENDERED.resolve(valueSet + ".kafka.properties"),
                manifests.get("ConfigMap/braid-kafka").at("/data/kafka.properties").asText());
        Map<String, String> environment = Map.of("KAFKA_SASL_JAAS_CONFIG", jaas, "KAFKA_TRUSTSTORE_PASSWORD", "x",
                "HOME", "/home/not-expanded");
        Method load = KafkaConnection.class.getDeclaredMethod("loadProperties", Path.class, UnaryOperator.class);
        load.setAccessible(true);
        @SuppressWarnings("unchecked")
        Map<String, String> loaded = (Map<String, String>) load.invoke(null, properties,
                (UnaryOperator<String>) environment::get);
        assertThat(loaded.get("sasl.jaas.config")).isEqualTo(jaas);

        List<AppConfigurationEntry> entries = JaasContext.loadClientContext(
                Map.of(SaslConfigs.SASL_JAAS_CONFIG, new Password(loaded.get("sasl.jaas.config"))))
                .configurationEntries();
        assertThat(entries).singleElement().satisfies(entry -> {
            assertThat(entry.getLoginModuleName()).isEqualTo("org.apache.kafka.common.security."
                    + (loginModule.startsWith("Plain") ? "plain." : "scram.") + loginModule);
            assertThat(entry.getControlFlag()).isEqualTo(AppConfigurationEntry.LoginModuleControlFlag.REQUIRED);
            assertThat(Map.<String, Object>copyOf(entry.getOptions()))
                    .isEqualTo(Map.of("username", username, "password", password));
        });
        String asJson = TextNode.valueOf(password).toString();
        manifests.forEach((name, manifest) -> {
            if (name.startsWith("ConfigMap/")) {
                assertThat(manifest.toString()).as(name).doesNotContain(asJson.substring(1, asJson.length() - 1))
                        .doesNotContain("username=");
            }
        });
    }

    @Test
    void saslCredentialsAreTakenFromASecretOrValuesNeverFromTheOldPerKeySettings() {
        assertThatThrownBy(() -> new Helm(CHART).template().set("kafka.sasl.enabled", "true")
                .set("kafka.sasl.secretName", "kafka-user").set("kafka.sasl.passwordKey", "password").call())
                .hasMessageContaining("kafka.sasl.usernameKey/passwordKey are gone");
        assertThatThrownBy(() -> new Helm(CHART).template().set("kafka.sasl.enabled", "true").call())
                .hasMessageContaining("kafka.sasl.secretName").hasMessageContaining("kafka.sasl.username");
        assertThatThrownBy(() -> new Helm(CHART).template().set("kafka.sasl.enabled", "true")
                .set("kafka.sasl.secretName", "kafka-user").set("kafka.sasl.password", "pw").call())
                .hasMessageContaining("not both");
    }

    @Test
    void workersMetricsAskForTheReadTokenWhenSetAndTheServiceMonitorSendsIt() throws IOException {
        assertThat(env(render("default").get("Deployment/braid-worker"))).doesNotContainKey("BRAID_API_READ_TOKEN");

        Map<String, JsonNode> manifests = render("keda-values");
        JsonNode token = envVar(manifests.get("Deployment/braid-worker"), "BRAID_API_READ_TOKEN");
        assertThat(token.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("braid-api");
        assertThat(token.at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("read-token");
        assertThat(token.at("/valueFrom/secretKeyRef/optional").asBoolean(false)).as("a missing key stops the pod")
                .isFalse();
        JsonNode authorization = manifests.get("ServiceMonitor/braid").at("/spec/endpoints/0/authorization");
        assertThat(authorization.path("type").asText()).isEqualTo("Bearer");
        assertThat(authorization.path("credentials").toString())
                .isEqualTo("{\"name\":\"braid-api\",\"key\":\"read-token\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "keda-values", "external-kafka-sasl-tls-values", "many-workers-values",
            "kafka-sasl-credentials-values"})
    void everyPodPassesTheRestrictedPodSecurityStandard(String valueSet) throws IOException {
        Map<String, JsonNode> manifests = render(valueSet);

        for (String workload : List.of("Deployment/braid-worker", "StatefulSet/braid-orchestrator")) {
            JsonNode pod = manifests.get(workload).at("/spec/template/spec");
            assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).as(workload).isFalse();
            assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).as(workload).isTrue();
            assertThat(pod.at("/securityContext/seccompProfile/type").asText()).as(workload).isEqualTo("RuntimeDefault");
            assertThat(pod.has("hostNetwork") || pod.has("hostPID") || pod.has("hostIPC")).as(workload).isFalse();
            assertThat(pod.at("/securityContext/runAsUser").asInt(10001)).as(workload).isNotZero();
            assertThat(pod.at("/securityContext/sysctls").isMissingNode()).as(workload).isTrue();
            for (JsonNode volume : pod.path("volumes")) {
                assertThat(volume.fieldNames()).as(workload + " volume").toIterable()
                        .allMatch(Set.of("name", "emptyDir", "configMap", "secret", "projected")::contains);
            }
            List<JsonNode> containers = new java.util.ArrayList<>();
            pod.path("initContainers").forEach(containers::add);
            pod.path("containers").forEach(containers::add);
            for (JsonNode container : containers) {
                JsonNode security = container.path("securityContext");
                assertThat(security.path("runAsUser").asInt(10001)).as(workload).isNotZero();
                assertThat(security.path("seccompProfile").path("type").asText("RuntimeDefault")).as(workload)
                        .isIn("RuntimeDefault", "Localhost");
                assertThat(security.at("/windowsOptions/hostProcess").asBoolean(false)).as(workload).isFalse();
                assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as(workload).isFalse();
                assertThat(security.path("privileged").asBoolean(false)).as(workload).isFalse();
                assertThat(security.at("/capabilities/drop").toString()).as(workload).isEqualTo("[\"ALL\"]");
                assertThat(security.at("/capabilities/add").isMissingNode()).as(workload).isTrue();
                assertThat(container.path("ports").findValues("hostPort")).as(workload).isEmpty();
            }
        }
    }

    @Test
    void theApiTakesItsTokenFromASecretAndNetworkPoliciesFenceThePods() throws IOException {
        Map<String, JsonNode> manifests = render("default");

        assertThat(env(manifests.get("StatefulSet/braid-orchestrator"))).containsEntry("BRAID_HTTP_BIND", "0.0.0.0")
                .containsEntry("BRAID_API_TOKEN", "from secretKeyRef:braid-api")
                .containsEntry("BRAID_API_READ_TOKEN", "from secretKeyRef:braid-api");
        // the generated Secret is a pre-install hook (one token for the release's life), which helm template omits
        assertThat(Files.readString(CHART.resolve("templates/api-secret.yaml")))
                .contains("helm.sh/hook: pre-install", "randAlphaNum 48", "name: {{ $name }}");
        JsonNode worker = manifests.get("NetworkPolicy/braid-worker").path("spec");
        assertThat(worker.path("policyTypes").toString()).contains("Ingress", "Egress");
        assertThat(worker.path("egress").findValuesAsText("port")).contains("53", "9092", "8081", "443");
        assertThat(worker.at("/egress/3/to/0/ipBlock/except").toString()).contains("10.0.0.0/8", "169.254.0.0/16");
        JsonNode orchestrator = manifests.get("NetworkPolicy/braid-orchestrator").path("spec");
        assertThat(orchestrator.at("/ingress/0/from").toString()).isEqualTo("[{\"podSelector\":{}}]");
        assertThat(render("keda-values").get("NetworkPolicy/braid-orchestrator").at("/spec/ingress/0/from").toString())
                .as("KEDA's operator reaches /backlog").contains("\"kubernetes.io/metadata.name\":\"keda\"");
        assertThat(env(render("external-kafka-sasl-tls-values").get("StatefulSet/braid-orchestrator")))
                .containsEntry("BRAID_API_TOKEN", "from secretKeyRef:braid-api-tokens");
    }

    @Test
    void tracingSendsBothWorkloadsSpansToTheCollectorAndLetsThemReachIt() throws IOException {
        Map<String, JsonNode> off = render("default");
        assertThat(env(off.get("Deployment/braid-worker"))).doesNotContainKey("OTEL_EXPORTER_OTLP_ENDPOINT");
        assertThat(off.get("NetworkPolicy/braid-worker").at("/spec/egress").toString()).doesNotContain("4318");
        Path values = Files.createTempFile("braid-tracing-values", ".yaml");
        Files.writeString(values, "tracing:\n  otlpEndpoint: http://otel-collector.observability:4318\n");
        Map<String, JsonNode> manifests = render("tracing-values", values);
        for (String workload : List.of("StatefulSet/braid-orchestrator", "Deployment/braid-worker")) {
            assertThat(env(manifests.get(workload))).as(workload)
                    .containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel-collector.observability:4318")
                    .containsEntry("OTEL_TRACES_SAMPLER", "parentbased_always_on");
        }
        for (String policy : List.of("NetworkPolicy/braid-worker", "NetworkPolicy/braid-orchestrator")) {
            assertThat(manifests.get(policy).at("/spec/egress").toString()).as(policy).contains("\"port\":4318");
        }
    }

    @Test
    void aLargeFixedFleetKeepsItsReplicaCount() throws IOException {
        Map<String, JsonNode> manifests = render("many-workers-values");

        assertThat(manifests.get("Deployment/braid-worker").at("/spec/replicas").asInt()).isEqualTo(100);
        assertThat(manifests.get("StatefulSet/braid-orchestrator").at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(manifests).doesNotContainKeys("HorizontalPodAutoscaler/braid-worker", "ScaledObject/braid-worker");
        assertThat(manifests.get("Deployment/braid-worker").at("/spec/template/spec/terminationGracePeriodSeconds")
                .asInt()).isEqualTo(120 + 15);
        assertThat(env(manifests.get("Deployment/braid-worker"))).containsEntry("BRAID_WORKER_MAX_IN_FLIGHT", "512");
    }

    @Test
    void everyEnvironmentVariableTheChartSetsIsOneTheApplicationsRead() throws IOException {
        Set<String> orchestratorReads = BraidEnvironment.readBy("orchestrator");
        Set<String> workerReads = BraidEnvironment.readBy("worker");
        for (String valueSet : List.of("default", "keda-values", "external-kafka-sasl-tls-values",
                "many-workers-values", "kafka-sasl-credentials-values")) {
            Map<String, JsonNode> manifests = render(valueSet);
            assertThat(BraidEnvironment.braidVariables(env(manifests.get("StatefulSet/braid-orchestrator")).keySet()))
                    .as(valueSet + " orchestrator").isSubsetOf(orchestratorReads);
            assertThat(BraidEnvironment.braidVariables(env(manifests.get("Deployment/braid-worker")).keySet()))
                    .as(valueSet + " worker").isSubsetOf(workerReads);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "keda-values", "external-kafka-sasl-tls-values", "many-workers-values",
            "kafka-sasl-credentials-values"})
    void renderedManifestsAreValidKubernetesObjects(String valueSet) throws Exception {
        render(valueSet);
        assumeTrue(Files.isDirectory(VALIDATOR.resolve("node_modules")) || npmInstall(),
                "needs Node.js and npm (.ci/run installs them): npm ci --prefix deploy/validate; see target/helm/npm.log");
        Process node = new ProcessBuilder("node", VALIDATOR.resolve("validate.mjs").toString(),
                RENDERED.resolve(valueSet + ".yaml").toString()).redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes());
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).as(output).isZero();
        assertThat(output).containsPattern("(\\d+) of \\1 documents valid");
    }

    private static boolean npmInstall() {
        try {
            // Not inheritIO: npm's output would corrupt surefire's channel, and node makes a shared stdin non-blocking
            Files.createDirectories(RENDERED);
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(VALIDATOR.toFile())
                    .redirectErrorStream(true).redirectOutput(RENDERED.resolve("npm.log").toFile()).start();
            return npm.waitFor(5, TimeUnit.MINUTES) && npm.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
