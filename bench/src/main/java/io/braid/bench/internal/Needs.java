package io.braid.bench.internal;

import io.braid.worker.WorkerConfig;

import java.nio.file.Path;

/**
 * What a flow-control scenario needs from the worker and whether this build has it: a worker config a scenario
 * writes is read with the worker's own reader before any process starts, so a build without the feature fails the
 * scenario at once with a message naming what is missing, instead of four workers refusing to start.
 */
final class Needs {

    private Needs() {
    }

    /** Reads {@code config} as a worker would; fails naming {@code feature} when the worker refuses a setting. */
    static WorkerConfig workerConfig(Path config, String feature) {
        try {
            return WorkerConfig.load(config);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("needs " + feature + ": this build's worker refuses the scenario's "
                    + "config (" + e.getMessage() + ")", e);
        }
    }
}
