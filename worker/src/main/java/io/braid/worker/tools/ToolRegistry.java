package io.braid.worker.tools;

import dev.langchain4j.exception.NonRetriableException;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The tools a worker offers, by name. */
public final class ToolRegistry {

    private final Map<String, BraidTool> tools = new TreeMap<>();
    private final Set<String> disabled;

    public ToolRegistry(List<BraidTool> tools) {
        this(tools, Set.of());
    }

    private ToolRegistry(List<BraidTool> tools, Set<String> disabled) {
        this.disabled = Set.copyOf(disabled);
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

    /**
     * These tools with {@code names} switched off: calling one fails the branch at once (non-retriable), as when
     * an operator disables a broken tool version; the failed branches can be replayed once it is fixed.
     */
    public ToolRegistry disabling(Set<String> names) {
        return new ToolRegistry(List.copyOf(tools.values()), names);
    }

    public BraidTool tool(String name) {
        if (disabled.contains(name)) {
            throw new NonRetriableException("tool '" + name + "' is disabled on this worker by configuration");
        }
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
