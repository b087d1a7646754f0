package io.braid.worker.internal.execute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.braid.schema.BranchTask;
import io.braid.schema.ToolCall;
import io.braid.worker.BranchExecutor;
import io.braid.worker.BranchOutput;
import io.braid.worker.internal.tools.ToolRegistry;
import io.braid.worker.internal.trace.BranchTracing;
import io.braid.worker.internal.trace.GenAiSpans;
import io.braid.tool.BraidTool;
import io.braid.tool.ToolArguments;

/**
 * A TOOL branch: fills {@code {{input}}} placeholders of the JSON arguments from the job's inputs (JSON-escaped),
 * checks the arguments against the tool's JSON schema, and calls the tool.
 */
public final class ToolBranchExecutor implements BranchExecutor {

    private final ToolRegistry tools;
    private final PolicyCheck policy;

    public ToolBranchExecutor(ToolRegistry tools) {
        this(tools, PolicyCheck.allowAll());
    }

    /** Refusing tools {@code policy} does not allow the branch's job. */
    public ToolBranchExecutor(ToolRegistry tools, PolicyCheck policy) {
        this.tools = tools;
        this.policy = policy;
    }

    @Override
    public BranchOutput execute(BranchTask task) throws Exception {
        ToolCall call = task.getBranch().getTool();
        policy.checkTool(task, call.getName());
        BraidTool tool = tools.tool(call.getName());
        String argumentsText = Templates.fill(call.getArgumentsJson(), task, ToolBranchExecutor::jsonStringContent);
        JsonNode arguments = ToolArguments.parse(tool.specification(), argumentsText);
        BranchTracing.Traced traced = GenAiSpans.tool(call.getName(), null);
        try {
            String output = tool.execute(arguments);
            traced.end(null, null);
            return BranchOutput.text(output);
        } catch (Exception e) {
            traced.end(null, e);
            throw e;
        }
    }

    /** {@code value} escaped for use inside a JSON string literal. */
    private static String jsonStringContent(String value) {
        String quoted = TextNode.valueOf(value).toString();
        return quoted.substring(1, quoted.length() - 1);
    }
}
