package io.braid.orchestrator.internal.aggregate;

import io.braid.schema.JobJoinState;

import java.util.Optional;

/** A join for tests of the HTTP surfaces: every job held by {@code owner}; none known here. */
public record FixedJoin(JoinQueries.Owner owner) implements JoinQueries {

    /** Every job held by the instance at {@code host:port}; reading one here fails the test. */
    public static FixedJoin elsewhere(String host, int port) {
        return new FixedJoin(new Owner.Elsewhere(host, port));
    }

    /** Every job held here, and none known. */
    public static FixedJoin emptyHere() {
        return new FixedJoin(new Owner.Here());
    }

    @Override
    public Owner owner(String jobId) {
        return owner;
    }

    @Override
    public Optional<JobJoinState> state(String jobId) {
        if (owner instanceof Owner.Elsewhere) {
            throw new AssertionError("a job held elsewhere is not read here");
        }
        return Optional.empty();
    }

    @Override
    public long heldJobs() {
        return 0;
    }
}
