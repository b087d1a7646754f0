package io.braid.schema;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code .avsc} files published under {@code schemas/avsc/} are exactly what the build makes of
 * {@code braid.avdl} (the generated classes' schemas): a change to the IDL without regenerating them fails here,
 * with the command that regenerates them.
 */
class PublishedSchemasTest {

    private static final Path PUBLISHED = Path.of("avsc");
    private static final String REGENERATE = "regenerate them: mvn -o -q -pl schemas -am verify "
            + "-Dtest=PublishedSchemasTest -Dsurefire.failIfNoSpecifiedTests=false -Dbraid.fuzz.skip "
            + "-Dbraid.schemas.write=true  (or: braid schemas export schemas/avsc)";

    @Test
    void the_published_avsc_files_are_what_the_build_produces() throws IOException {
        if (Boolean.getBoolean("braid.schemas.write")) {
            Files.createDirectories(PUBLISHED);
            for (Schema schema : TopicSchemas.records()) {
                Files.writeString(PUBLISHED.resolve(TopicSchemas.fileName(schema)), TopicSchemas.fileText(schema));
            }
        }
        for (Schema schema : TopicSchemas.records()) {
            Path file = PUBLISHED.resolve(TopicSchemas.fileName(schema));
            assertThat(file).as(file.toAbsolutePath() + " is missing; " + REGENERATE).exists();
            assertThat(Files.readString(file)).as(file + " differs from braid.avdl; " + REGENERATE)
                    .isEqualTo(TopicSchemas.fileText(schema));
        }
        try (Stream<Path> files = Files.list(PUBLISHED)) {
            List<String> expected = TopicSchemas.records().stream().map(TopicSchemas::fileName).toList();
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".avsc")).toList())
                    .as("no stale .avsc in " + PUBLISHED.toAbsolutePath() + " (delete the file of a record Braid "
                            + "no longer has)").containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void every_topic_with_records_of_its_own_has_a_published_schema() {
        Topics topics = Topics.defaults();
        assertThat(TopicSchemas.byTopic(topics).keySet()).containsExactly(topics.jobs(), topics.manifests(),
                topics.tasks(), topics.tasksHigh(), topics.results(), topics.jobResults(), topics.jobEvents(), topics.control(),
                topics.workers());
        assertThat(TopicSchemas.records()).extracting(Schema::getName).contains("JobRequest", "JobResult",
                "JobEvent", "JobControl");
    }
}
