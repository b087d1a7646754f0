package io.braid.bench.internal;

import java.io.PrintStream;

/** A scenario of the suite: what it measures goes to the {@link SuiteContext} it shares with the others. */
abstract class SuiteScenario {

    final SuiteContext suite;
    final ScenarioBenchmark.Settings settings;
    final PrintStream out;

    SuiteScenario(SuiteContext suite) {
        this.suite = suite;
        this.settings = suite.settings();
        this.out = suite.out();
    }
}
