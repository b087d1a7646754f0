package io.braid.worker;

import io.braid.tool.BraidTool;

import java.util.List;
import java.util.Objects;

/**
 * What code that embeds a worker adds to it, beside its options: tools given as objects (e.g. Spring beans) rather
 * than found by {@link java.util.ServiceLoader} or in plugin jars, and a listener of its branches (e.g. to count
 * them in the host's meters). Start such a worker with {@link Worker#start(WorkerOptions, WorkerExtensions)}.
 *
 * <p>The tools join the worker's registry like any other: their names must be unique among all its tools, the
 * configuration's use policy (allowed tools, agent limits) applies to them, {@code disabledTools} switches them
 * off, and a branch that calls one has the same timeout, retries and result size limit.
 *
 * @param tools    tools the worker offers besides its built-in and plugin tools
 * @param progress hears branches start, retry and finish (after the worker's own listeners); must not throw or
 *                 block
 */
public record WorkerExtensions(List<BraidTool> tools, ProgressListener progress) {

    /** Nothing added. */
    public static final WorkerExtensions NONE = new WorkerExtensions(List.of(), ProgressListener.NONE);

    public WorkerExtensions {
        tools = List.copyOf(tools);
        Objects.requireNonNull(progress, "progress");
    }
}
