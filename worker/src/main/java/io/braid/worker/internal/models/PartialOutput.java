package io.braid.worker.internal.models;

import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * Where a model that streams its answer sends the text as it is generated: a sink bound to the thread running a
 * branch's call (inherited by threads it starts, such as a hedged call's). Nothing is bound outside a branch run,
 * and then streamed text goes nowhere.
 */
public final class PartialOutput {

    private static final InheritableThreadLocal<Consumer<String>> SINK = new InheritableThreadLocal<>();

    private PartialOutput() {
    }

    /** Runs {@code body} with streamed text going to {@code sink}. */
    public static <T> T to(Consumer<String> sink, Callable<T> body) throws Exception {
        Consumer<String> before = SINK.get();
        SINK.set(sink);
        try {
            return body.call();
        } finally {
            SINK.set(before);
        }
    }

    /**
     * The sink bound to this thread, or null: what a model whose stream arrives on another thread sends its text
     * to (it is a no-op for text that is empty, and never throws).
     */
    static Consumer<String> current() {
        Consumer<String> sink = SINK.get();
        return sink == null ? null : text -> {
            if (text != null && !text.isEmpty()) {
                try {
                    sink.accept(text);
                } catch (RuntimeException e) {
                    // streamed output is informational
                }
            }
        };
    }

    /** Whether text streamed now would go somewhere. */
    static boolean wanted() {
        return SINK.get() != null;
    }

    /** Sends text the model just generated to the bound sink, if any; a failing sink is ignored. */
    static void emit(String text) {
        Consumer<String> sink = SINK.get();
        if (sink != null && !text.isEmpty()) {
            try {
                sink.accept(text);
            } catch (RuntimeException e) {
                // streamed output is informational
            }
        }
    }
}
