package io.braid.worker.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolSpecification;

/**
 * A tool a TOOL branch (or, later, an agent) can call: a langchain4j {@link ToolSpecification} (name, description,
 * JSON schema of the arguments) and the code that runs it. Throw langchain4j's {@code ToolArgumentsException} for
 * bad arguments; they are never retried.
 */
public interface BraidTool {

    ToolSpecification specification();

    /** Runs the tool with its arguments (a JSON object) and returns its output as text. */
    String execute(JsonNode arguments) throws Exception;

    default String name() {
        return specification().name();
    }
}
