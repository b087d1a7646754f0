package io.braid.worker.internal.tools;

import dev.langchain4j.exception.NonRetriableException;
import io.braid.worker.internal.config.ToolSettings;
import io.braid.tool.BraidTool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The tools a worker offers, by name: the built-ins, tools found through {@link ServiceLoader} (a jar with
 * {@code META-INF/services/io.braid.tool.BraidTool} on the class path or in a plugin folder), and any
 * passed in by code that embeds the worker (e.g. Spring beans of type {@link BraidTool}).
 */
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

    /** The built-in tools with their default settings (no document folder, so no {@code search_documents}). */
    public static ToolRegistry builtIns() {
        return builtIns(ToolSettings.defaults(), Clock.systemUTC());
    }

    /**
     * The built-in tools: {@code calculator}, {@code text_stats}, {@code current_time}, {@code json_extract},
     * {@code http_get}, and {@code search_documents} when a document folder is configured.
     */
    public static ToolRegistry builtIns(ToolSettings settings, Clock clock) {
        List<BraidTool> tools = new ArrayList<>(List.of(new CalculatorTool(settings.calculator()), new TextStatsTool(),
                new CurrentTimeTool(clock), new JsonExtractTool(), new HttpGetTool(settings.httpGet(), clock)));
        if (settings.searchDocuments().folder() != null) {
            tools.add(DocumentSearchTool.index(settings.searchDocuments().folder(),
                    settings.searchDocuments().maxResults()));
        }
        return new ToolRegistry(tools);
    }

    /** These tools plus every {@link BraidTool} the class loader's {@link ServiceLoader} finds. */
    public ToolRegistry withServiceLoaderTools(ClassLoader loader) {
        List<BraidTool> all = new ArrayList<>(tools.values());
        try {
            ServiceLoader.load(BraidTool.class, loader).forEach(all::add);
        } catch (ServiceConfigurationError e) {
            throw new IllegalArgumentException("a tool plugin could not be loaded: " + e.getMessage(), e);
        }
        return new ToolRegistry(all, disabled);
    }

    /**
     * These tools plus those of the plugin jars in {@code folders} (each a folder of jars or a jar), loaded in a
     * class loader of their own whose parent is the worker's.
     */
    public ToolRegistry withPlugins(List<Path> folders) {
        if (folders.isEmpty()) {
            return this;
        }
        List<URL> jars = new ArrayList<>();
        for (Path folder : folders) {
            if (!Files.exists(folder)) {
                throw new IllegalArgumentException("tool plugin path " + folder + " does not exist");
            }
            try (Stream<Path> entries = Files.isDirectory(folder) ? Files.list(folder) : Stream.of(folder)) {
                for (Path jar : entries.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                    jars.add(jar.toUri().toURL());
                }
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("tool plugin path " + folder + ": " + e.getMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list tool plugins in " + folder, e);
            }
        }
        if (jars.isEmpty()) {
            throw new IllegalArgumentException("no .jar files in tool plugin path " + folders);
        }
        return withServiceLoaderTools(new URLClassLoader("braid-tool-plugins", jars.toArray(URL[]::new),
                ToolRegistry.class.getClassLoader()));
    }

    /** These tools plus {@code more} (e.g. an embedding application's); every name must stay unique. */
    public ToolRegistry with(List<BraidTool> more) {
        if (more.isEmpty()) {
            return this;
        }
        List<BraidTool> all = new ArrayList<>(tools.values());
        all.addAll(more);
        return new ToolRegistry(all, disabled);
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
