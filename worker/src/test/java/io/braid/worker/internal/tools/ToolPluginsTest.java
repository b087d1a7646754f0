package io.braid.worker.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.braid.tool.BraidTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tools added from plugin jars through {@link java.util.ServiceLoader}. */
class ToolPluginsTest {

    /** The tool the test plugin jar declares. */
    public static final class ShoutTool implements BraidTool {
        @Override
        public ToolSpecification specification() {
            return ToolSpecification.builder().name("shout").description("Upper-cases a text")
                    .parameters(JsonObjectSchema.builder().addStringProperty("text").required("text").build())
                    .build();
        }

        @Override
        public String execute(JsonNode arguments) {
            return arguments.get("text").asText().toUpperCase(java.util.Locale.ROOT);
        }
    }

    @Test
    void aPluginFolderAddsTheToolsItsJarsDeclare(@TempDir Path plugins) throws Exception {
        try (OutputStream file = Files.newOutputStream(plugins.resolve("shout-tool.jar"));
             JarOutputStream jar = new JarOutputStream(file)) {
            jar.putNextEntry(new JarEntry("META-INF/services/" + BraidTool.class.getName()));
            jar.write((ShoutTool.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }

        ToolRegistry tools = ToolRegistry.builtIns().withPlugins(List.of(plugins));

        assertThat(tools.names()).contains("shout", "calculator");
        assertThat(tools.tool("shout").execute(new ObjectMapper().createObjectNode().put("text", "braid")))
                .isEqualTo("BRAID");
    }

    @Test
    void aPluginPathThatIsMissingOrHoldsNoJarsIsRefusedClearly(@TempDir Path empty) {
        assertThatThrownBy(() -> ToolRegistry.builtIns().withPlugins(List.of(empty.resolve("nope"))))
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> ToolRegistry.builtIns().withPlugins(List.of(empty)))
                .hasMessageContaining("no .jar files");
    }
}
