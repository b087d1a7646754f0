package io.braid.bench.internal;

/**
 * Branches/s of one run of a batch: sustained, while the middle 80 % of the results were written (the fleet's
 * capacity), and over the whole batch, first submission to last result read (adds the ramp-up and the drain).
 */
record BatchRate(double sustained, double batch) {
}
