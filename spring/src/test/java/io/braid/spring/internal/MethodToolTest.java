package io.braid.spring.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolMemoryId;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.exception.ToolArgumentsException;
import io.braid.tool.BraidTool;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MethodToolTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static class Tools {
        String saved;

        @Tool(name = "add", value = "Adds numbers")
        public int add(@P("first") int a, @P(value = "second", defaultValue = "10") int b) {
            return a + b;
        }

        @Tool("Lists words")
        public List<String> words(@P("text") String text) {
            return List.of(text.split(" "));
        }

        @Tool("Saves a note")
        public void save(@P("note") String note) {
            saved = note;
        }

        @Tool("Calls a flaky service")
        public String flaky() {
            throw new RetriableException("503 from the service");
        }

        @Tool("Remembers")
        public String remember(@ToolMemoryId String memory) {
            return memory;
        }
    }

    private final Tools target = new Tools();

    private BraidTool tool(String method) throws Exception {
        return new MethodTool(target, List.of(Tools.class.getDeclaredMethods()).stream()
                .filter(m -> m.getName().equals(method)).findFirst().orElseThrow());
    }

    @Test
    void the_specification_is_langchain4js_and_arguments_convert_to_the_parameter_types() throws Exception {
        BraidTool add = tool("add");

        assertThat(add.name()).isEqualTo("add");
        assertThat(add.specification().description()).isEqualTo("Adds numbers");
        assertThat(add.specification().parameters().properties()).containsOnlyKeys("a", "b");
        assertThat(add.execute(JSON.valueToTree(Map.of("a", 2, "b", 3)))).isEqualTo("5");
        assertThat(add.execute(JSON.valueToTree(Map.of("a", 2)))).as("default value").isEqualTo("12");
        assertThat(tool("words").execute(JSON.valueToTree(Map.of("text", "a b")))).isEqualTo("[\"a\",\"b\"]");
    }

    @Test
    void a_void_method_answers_done_and_runs() throws Exception {
        assertThat(tool("save").execute(JSON.valueToTree(Map.of("note", "hi")))).isEqualTo("done");
        assertThat(target.saved).isEqualTo("hi");
    }

    @Test
    void the_methods_exception_is_passed_on_unwrapped_so_retry_rules_see_it() {
        assertThatThrownBy(() -> tool("flaky").execute(JSON.createObjectNode()))
                .isInstanceOf(RetriableException.class).hasMessage("503 from the service");
    }

    @Test
    void an_argument_of_the_wrong_type_is_a_tool_arguments_error_naming_it() {
        assertThatThrownBy(() -> tool("add").execute(JSON.valueToTree(Map.of("a", "many"))))
                .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("argument 'a'");
    }

    @Test
    void a_memory_id_parameter_is_refused_with_the_reason() {
        assertThatThrownBy(() -> tool("remember")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Tools.remember has a @ToolMemoryId parameter");
    }
}
