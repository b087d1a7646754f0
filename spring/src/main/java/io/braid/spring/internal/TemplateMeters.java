package io.braid.spring.internal;

/** What a template counts; {@link #NONE} when the application has no Micrometer registry. */
public interface TemplateMeters {

    TemplateMeters NONE = new TemplateMeters() {
    };

    /** A job was sent. */
    default void submitted() {
    }

    /** A job's result arrived, with this status. */
    default void result(String status) {
    }

    /** A job's result did not arrive within the result timeout. */
    default void timedOut() {
    }

    /** Reads the number of jobs waited for from {@code pending} when the meters are read. */
    default void pending(java.util.function.IntSupplier pending) {
    }
}
