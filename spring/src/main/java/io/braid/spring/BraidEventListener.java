package io.braid.spring;

import io.braid.schema.JobEvent;

/**
 * A bean that hears the progress events of every job (branch started, retrying, finished, job completed, ...) that
 * the application's {@link BraidTemplate} reads. Called on the results listener's thread: must not block; an
 * exception is logged and ignored.
 */
@FunctionalInterface
public interface BraidEventListener {

    void onEvent(JobEvent event);
}
