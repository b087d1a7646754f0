package io.braid.worker.execute;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.langchain4j.exception.ToolArgumentsException;
import io.braid.schema.BranchTask;
import io.braid.schema.ToolCall;
import io.braid.worker.tools.BraidTool;
import io.braid.worker.tools.ToolRegistry;

import java.util.List;

/**
 * A TOOL branch: fills {@code {{input}}} placeholders of the JSON arguments from the job's inputs (JSON-escaped),
 * checks the required arguments of the tool's specification, and calls the tool.
 */
public final class ToolBranchExecutor implements BranchExecutor {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ToolRegistry tools;

    public ToolBranchExecutor(ToolRegistry tools) {
        this.tools = tools;
    }

    @Override
    public BranchOutput execute(BranchTask task) throws Exception {
        ToolCall call = task.getBranch().getTool();
        BraidTool tool = tools.tool(call.getName());
        String argumentsText = Templates.fill(call.getArgumentsJson(), task.getInputs(),
                ToolBranchExecutor::jsonStringContent);
        JsonNode arguments;
        try {
            arguments = JSON.readTree(argumentsText);
        } catch (JsonProcessingException e) {
            throw new ToolArgumentsException("arguments of tool '" + call.getName() + "' are not valid JSON: "
                    + e.getOriginalMessage());
        }
        if (arguments == null || !arguments.isObject()) {
            throw new ToolArgumentsException("arguments of tool '" + call.getName() + "' must be a JSON object");
        }
        List<String> required = tool.specification().parameters() == null ? List.of()
                : tool.specification().parameters().required();
        for (String name : required == null ? List.<String>of() : required) {
            if (!arguments.has(name)) {
                throw new ToolArgumentsException("tool '" + call.getName() + "' needs argument '" + name + "'");
            }
        }
        return BranchOutput.text(tool.execute(arguments));
    }

    /** {@code value} escaped for use inside a JSON string literal. */
    private static String jsonStringContent(String value) {
        String quoted = TextNode.valueOf(value).toString();
        return quoted.substring(1, quoted.length() - 1);
    }
}
