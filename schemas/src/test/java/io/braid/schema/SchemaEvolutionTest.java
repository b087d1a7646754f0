package io.braid.schema;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The build-time evolution check: every record of the last released contract (kept in
 * {@code src/test/resources/released/<version>/}) must still be readable by the current schemas — BACKWARD
 * compatibility, decided by Avro's own checker. A change that breaks it fails the build; when releasing, add the
 * released schemas as a new version directory.
 */
class SchemaEvolutionTest {

    private static Path lastReleased() throws IOException, URISyntaxException {
        Path released = Path.of(SchemaEvolutionTest.class.getResource("/released").toURI());
        try (Stream<Path> versions = Files.list(released)) {
            return versions.max(Comparator.comparing(p -> Runtime.Version.parse(p.getFileName().toString())))
                    .orElseThrow();
        }
    }

    @Test
    void the_current_schemas_read_everything_the_last_release_wrote() throws Exception {
        Path release = lastReleased();
        List<Path> schemas;
        try (Stream<Path> files = Files.list(release)) {
            schemas = files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList();
        }
        assertThat(schemas).as("released schemas in " + release).isNotEmpty();
        for (Path file : schemas) {
            Schema old = new Schema.Parser().parse(file.toFile());
            Class<?> type = SpecificData.get().getClass(old);
            assertThat(type).as(old.getFullName() + " still exists").isNotNull();
            Schema current = (Schema) type.getMethod("getClassSchema").invoke(null);
            SchemaCompatibility.SchemaPairCompatibility result =
                    SchemaCompatibility.checkReaderWriterCompatibility(current, old);
            assertThat(result.getType()).as(old.getFullName() + " must stay BACKWARD compatible with release "
                    + release.getFileName() + ": " + result.getResult().getIncompatibilities())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @Test
    void the_check_catches_a_breaking_change() {
        Schema old = JobRequest.getClassSchema();
        Schema broken = new Schema.Parser().parse(old.toString().replaceFirst(
                "\"fields\":\\[", "\"fields\":[{\"name\":\"mandatoryNewField\",\"type\":\"string\"},"));

        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(broken, old).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.INCOMPATIBLE);
    }
}
