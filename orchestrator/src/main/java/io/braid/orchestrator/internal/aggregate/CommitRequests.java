package io.braid.orchestrator.internal.aggregate;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * When one join task asks Kafka Streams for a commit, beyond the commit interval. A new instance per task
 * (see {@link #never()} and {@link #whenDrained()}).
 */
interface CommitRequests {

    /** Called when the task starts: schedules what the policy needs. */
    void start(ProcessorContext<?, ?> context);

    /** An input was processed. */
    void processed();

    /** A job result was forwarded. */
    void completed();

    /** Never asks: commits keep to the interval (the at-least-once join, whose results are visible at once). */
    static Supplier<CommitRequests> never() {
        return () -> Never.INSTANCE;
    }

    /**
     * Asks for a commit as soon as the input has drained after a job completed: no input processed on the task's
     * stream thread, by any of its tasks, between two drain checks. Under load the input never drains and commits
     * keep to the interval, so a longer interval costs throughput less transaction work without costing an idle
     * job its latency. (Asking on every completed job committed once per job and cut throughput threefold.)
     * The tasks of one supplier share their threads' input counts.
     */
    static Supplier<CommitRequests> whenDrained() {
        return new DrainCommits()::forTask;
    }

    /** How often a task checks whether its thread's input has drained since a job completed. */
    Duration DRAIN_CHECK_INTERVAL = Duration.ofMillis(1);

    enum Never implements CommitRequests {
        INSTANCE;

        @Override
        public void start(ProcessorContext<?, ?> context) {
        }

        @Override
        public void processed() {
        }

        @Override
        public void completed() {
        }
    }

    /**
     * Inputs processed on each stream thread, across its tasks. Kafka Streams commits all of a thread's tasks
     * together (one transaction per thread), so the input that matters for a drain check is the thread's, not one
     * task's: a task whose own partition is momentarily empty must not commit its busy neighbours' transaction.
     */
    final class DrainCommits {
        private final ThreadLocal<long[]> inputsOnThread = ThreadLocal.withInitial(() -> new long[1]);

        CommitRequests forTask() {
            return new CommitRequests() {
                private ProcessorContext<?, ?> context;
                private boolean completedSinceRequest;
                private long inputsAtLastCheck;

                @Override
                public void start(ProcessorContext<?, ?> context) {
                    this.context = context;
                    completedSinceRequest = false;
                    inputsAtLastCheck = inputsOnThread.get()[0];
                    context.schedule(DRAIN_CHECK_INTERVAL, PunctuationType.WALL_CLOCK_TIME, at -> check());
                }

                @Override
                public void processed() {
                    inputsOnThread.get()[0]++;
                }

                @Override
                public void completed() {
                    completedSinceRequest = true;
                }

                private void check() {
                    long inputs = inputsOnThread.get()[0];
                    if (completedSinceRequest && inputs == inputsAtLastCheck) {
                        context.commit();
                        completedSinceRequest = false;
                    }
                    inputsAtLastCheck = inputs;
                }
            };
        }
    }
}
