package io.braid.worker.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.exception.ToolArgumentsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code search_documents}: a Lucene index over a folder of text files. */
class DocumentSearchToolTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void findsTheBestMatchingFilesWithTitlesAndSnippets(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("share-groups.md"), """
                # Share groups
                Kafka share groups let many consumers take records from the same partition, each record
                acknowledged on its own, like a queue.
                """);
        Files.createDirectories(folder.resolve("ops"));
        Files.writeString(folder.resolve("ops/streams.txt"), "Kafka Streams keeps state in RocksDB stores "
                + "backed by changelog topics; exactly-once uses transactions.");
        Files.writeString(folder.resolve("page.html"), "<html><script>var queue=1;</script><p>Nothing here.</p></html>");
        Files.write(folder.resolve("image.png"), new byte[] {1, 2, 3});
        DocumentSearchTool tool = DocumentSearchTool.index(folder, 5);

        JsonNode result = JSON.readTree(tool.execute(JSON.createObjectNode().put("query", "queue consumers")));

        assertThat(tool.documentCount()).isEqualTo(3);
        assertThat(result.path("hits")).hasSize(1);
        JsonNode hit = result.path("hits").get(0);
        assertThat(hit.path("path").asText()).isEqualTo("share-groups.md");
        assertThat(hit.path("title").asText()).isEqualTo("Share groups");
        assertThat(hit.path("snippet").asText()).contains("consumers");
        JsonNode phrase = JSON.readTree(tool.execute(JSON.createObjectNode()
                .put("query", "\"changelog topics\" AND exactly").put("limit", 2)));
        assertThat(phrase.path("hits").get(0).path("path").asText()).isEqualTo("ops/streams.txt");
    }

    @Test
    void anUnparsableQueryIsSearchedAsWordsAndBadLimitsAreRefused(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("a.txt"), "braid fans out branches");
        DocumentSearchTool tool = DocumentSearchTool.index(folder, 5);

        JsonNode result = JSON.readTree(tool.execute(JSON.createObjectNode().put("query", "fans (out")));

        assertThat(result.path("hits")).hasSize(1);
        assertThatThrownBy(() -> tool.execute(JSON.createObjectNode().put("query", "braid").put("limit", 50)))
                .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("between 1 and 20");
    }
}
