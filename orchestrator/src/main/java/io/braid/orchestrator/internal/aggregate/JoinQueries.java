package io.braid.orchestrator.internal.aggregate;

import io.braid.orchestrator.JoinSettings;

import io.braid.schema.BranchResult;
import io.braid.schema.JobControl;
import io.braid.schema.JobJoinState;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;

import java.time.Instant;
import java.util.Optional;

/**
 * What the job API may ask the aggregator: which instance holds a job, what its state is, what a replay would do,
 * how many jobs are held. The one door from the status server into the join's stores.
 */
public interface JoinQueries {

    /** Where a job's state lives. */
    sealed interface Owner {
        /** This instance holds it. */
        record Here() implements Owner {
        }

        /** Another instance does, reachable at host:port. */
        record Elsewhere(String host, int port) implements Owner {
        }

        /** Not known now: the aggregator is rebalancing or restoring. */
        record Unknown() implements Owner {
        }
    }

    /** The store cannot be read now (rebalancing, restoring); ask again shortly. */
    final class NotReady extends RuntimeException {
        public NotReady(String message, Throwable cause) {
            super(message, cause);
        }
    }

    Owner owner(String jobId);

    /** The job's state on this instance; empty when it holds none. Throws {@link NotReady}. */
    Optional<JobJoinState> state(String jobId);

    /** What a replay would do now, from this instance's state of the job. Throws {@link NotReady}. */
    default Replay.Preview previewReplay(JobControl control, Instant now) {
        return Replay.preview(state(control.getJobId()).orElseGet(() -> JobJoin.empty(control.getJobId())),
                control, now, settings());
    }

    /** The settings the join decides by (a replay's policy among them). */
    default JoinSettings settings() {
        return JoinSettings.defaults();
    }

    /** Jobs whose state this instance holds; -1 while its store is not queryable. */
    long heldJobs();

    /** Queries over a running aggregator whose {@code application.server} is {@code self} (null when none). */
    static JoinQueries over(KafkaStreams streams, HostInfo self, JoinSettings settings) {
        return new OverStreams(streams, self, settings);
    }

    record OverStreams(KafkaStreams streams, HostInfo self, JoinSettings settings) implements JoinQueries {

        @Override
        public Owner owner(String jobId) {
            KeyQueryMetadata owner = streams.queryMetadataForKey(AggregatorTopology.STORE_NAME, jobId,
                    Serdes.String().serializer());
            if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
                return new Owner.Unknown();
            }
            HostInfo active = owner.activeHost();
            return active.equals(self) ? new Owner.Here() : new Owner.Elsewhere(active.host(), active.port());
        }

        @Override
        public Optional<JobJoinState> state(String jobId) {
            try {
                return Optional.ofNullable(JoinStores.assemble(
                        streams.store(StoreQueryParameters.fromNameAndType(AggregatorTopology.STORE_NAME,
                                QueryableStoreTypes.<String, JobJoinState>keyValueStore())),
                        streams.store(StoreQueryParameters.fromNameAndType(AggregatorTopology.MANIFESTS_STORE_NAME,
                                QueryableStoreTypes.<String, io.braid.schema.JobManifest>keyValueStore())),
                        streams.store(StoreQueryParameters.fromNameAndType(AggregatorTopology.RESULTS_STORE_NAME,
                                QueryableStoreTypes.<String, BranchResult>keyValueStore())),
                        jobId));
            } catch (InvalidStateStoreException e) {
                throw new NotReady("the aggregator's store is not ready (" + e.getMessage() + ")", e);
            }
        }

        @Override
        public long heldJobs() {
            try {
                return streams.store(StoreQueryParameters.fromNameAndType(AggregatorTopology.STORE_NAME,
                        QueryableStoreTypes.<String, JobJoinState>keyValueStore())).approximateNumEntries();
            } catch (InvalidStateStoreException e) {
                return -1;
            }
        }
    }
}
