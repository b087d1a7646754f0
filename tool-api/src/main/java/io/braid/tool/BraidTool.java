package io.braid.tool;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolSpecification;

/**
 * A tool a TOOL branch or an AGENT branch's model can call: a langchain4j {@link ToolSpecification} (name,
 * description, JSON schema of the arguments) and the code that runs it.
 *
 * <p>The contract:
 * <ul>
 *   <li>{@link #execute} receives arguments already checked against the specification's schema
 *       ({@link ToolArguments}), so required properties are there with the declared types.</li>
 *   <li>Bad arguments the schema cannot express: throw langchain4j's {@code ToolArgumentsException}. A request
 *       beyond a limit of the tool: throw {@link ToolLimitException}. Neither is retried, nor is any other
 *       {@code NonRetriableException} or an unexpected exception (a bug). langchain4j's
 *       {@code RetriableException}, a {@code TimeoutException} or an I/O error ({@code IOException},
 *       {@code UncheckedIOException}) is tried again with backoff, as the
 *       branch's retry policy says.</li>
 *   <li>A worker runs many branches at once on virtual threads and keeps one instance per tool: {@code execute}
 *       must be thread-safe. It is interrupted when the branch's timeout expires or the job is cancelled; blocking
 *       calls should let the interrupt through.</li>
 *   <li>Plugins are found by {@link java.util.ServiceLoader}: list the class in
 *       {@code META-INF/services/io.braid.tool.BraidTool}; it needs a public no-argument constructor.</li>
 * </ul>
 */
public interface BraidTool {

    /** The tool's name (unique in a worker), description and JSON schema of its arguments, as models see them. */
    ToolSpecification specification();

    /**
     * Runs the tool with its arguments (a JSON object, checked against the schema) and returns its output as
     * text: the branch's output, or what the agent's model reads back.
     */
    String execute(JsonNode arguments) throws Exception;

    /** The name from {@link #specification()}: what jobs call the tool by. */
    default String name() {
        return specification().name();
    }
}
