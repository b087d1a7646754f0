package io.braid.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module graph as the code has it: every reference to a Braid package in each module's main sources (imports and
 * fully qualified names alike), checked against the rules of docs/DESIGN.md — orchestrator and worker never refer to
 * each other, no module refers to another's {@code internal} packages, and the tool API and the client refer to
 * nothing beyond the contract (and no Kafka, for the tool API).
 */
class ArchitectureTest {

    /** Each module's root package, by the module's directory. */
    private static final Map<String, String> PACKAGES = Map.ofEntries(
            Map.entry("schemas", "io.braid.schema"), Map.entry("tool-api", "io.braid.tool"),
            Map.entry("client", "io.braid.client"), Map.entry("registry", "io.braid.registry"),
            Map.entry("stack", "io.braid.stack"), Map.entry("test-support", "io.braid.testing"),
            Map.entry("orchestrator", "io.braid.orchestrator"), Map.entry("worker", "io.braid.worker"),
            Map.entry("cli", "io.braid.cli"), Map.entry("bench", "io.braid.bench"),
            Map.entry("examples/travel-tools", "io.braid.examples"), Map.entry("spring", "io.braid.spring"));

    private static final Pattern BRAID_NAME = Pattern.compile("\\bio\\.braid\\.[a-z][a-zA-Z0-9_.]*");

    /** Module → the Braid packages its main sources name (the longest dotted name at each place). */
    private static final Map<String, Set<String>> REFERENCES = new TreeMap<>();
    private static final Map<String, List<String>> KAFKA_USERS = new TreeMap<>();

    @BeforeAll
    static void readSources() {
        Path root = Path.of("..").toAbsolutePath().normalize();
        PACKAGES.keySet().forEach(module -> {
            Path sources = root.resolve(module).resolve("src/main/java");
            assertThat(sources).as("module %s has main sources", module).isDirectory();
            Set<String> names = new TreeSet<>();
            List<String> kafka = new ArrayList<>();
            try (Stream<Path> files = Files.walk(sources)) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(file -> {
                    String text = read(file);
                    Matcher matcher = BRAID_NAME.matcher(text);
                    while (matcher.find()) {
                        names.add(matcher.group());
                    }
                    if (text.contains("org.apache.kafka")) {
                        kafka.add(root.relativize(file).toString());
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            REFERENCES.put(module, names);
            KAFKA_USERS.put(module, kafka);
        });
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The modules whose packages {@code module} refers to, itself excluded. */
    private static Set<String> modulesUsedBy(String module) {
        Set<String> used = new TreeSet<>();
        for (String name : REFERENCES.get(module)) {
            PACKAGES.forEach((other, root) -> {
                if (!other.equals(module) && (name.equals(root) || name.startsWith(root + "."))) {
                    used.add(other);
                }
            });
        }
        return used;
    }

    @Test
    void orchestrator_and_worker_never_refer_to_each_other() {
        assertThat(modulesUsedBy("orchestrator")).doesNotContain("worker");
        assertThat(modulesUsedBy("worker")).doesNotContain("orchestrator");
    }

    @Test
    void no_module_refers_to_another_modules_internal_packages() {
        Map<String, Set<String>> violations = new TreeMap<>();
        REFERENCES.forEach((module, names) -> names.stream()
                .filter(name -> name.contains(".internal"))
                .filter(name -> !name.startsWith(PACKAGES.get(module) + "."))
                .forEach(name -> violations.computeIfAbsent(module, m -> new TreeSet<>()).add(name)));
        assertThat(violations).as("module -> another module's internal names it uses").isEmpty();
    }

    @Test
    void the_tool_api_refers_to_no_braid_module_and_no_kafka() {
        assertThat(modulesUsedBy("tool-api")).isEmpty();
        assertThat(KAFKA_USERS.get("tool-api")).isEmpty();
    }

    @Test
    void the_client_refers_to_the_contract_only() {
        assertThat(modulesUsedBy("client")).containsOnly("schemas");
    }

    @Test
    void the_contract_refers_to_no_other_braid_module() {
        assertThat(modulesUsedBy("schemas")).isEmpty();
    }

    @Test
    void a_tool_plugin_needs_the_tool_api_only() {
        assertThat(modulesUsedBy("examples/travel-tools")).containsOnly("tool-api");
    }

    @Test
    void the_cli_does_not_depend_on_the_benchmarks() {
        assertThat(modulesUsedBy("cli")).doesNotContain("bench");
    }

    @Test
    void the_spring_starter_wraps_the_client_side_and_the_worker_not_the_orchestrator() {
        assertThat(modulesUsedBy("spring")).doesNotContain("orchestrator", "cli", "bench");
    }
}
