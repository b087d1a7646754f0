package io.braid.worker.tools;

import dev.langchain4j.exception.NonRetriableException;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The tools a worker offers, by name. */
public final class ToolRegistry {

    private final Map<String, BraidTool> tools = new TreeMap<>();

    public ToolRegistry(List<BraidTool> tools) {
        for (BraidTool tool : tools) {
            if (this.tools.putIfAbsent(tool.name(), tool) != null) {
                throw new IllegalArgumentException("two tools are named '" + tool.name() + "'");
            }
        }
    }

    /** The built-in tools. */
    public static ToolRegistry builtIns() {
        return new ToolRegistry(List.of(new CalculatorTool(), new TextStatsTool()));
    }

    public BraidTool tool(String name) {
        BraidTool tool = tools.get(name);
        if (tool == null) {
            throw new NonRetriableException("unknown tool '" + name + "'; this worker has " + tools.keySet());
        }
        return tool;
    }

    public List<String> names() {
        return List.copyOf(tools.keySet());
    }
}
