package io.braid.cli;

import io.braid.cli.stack.LocalFleet;
import io.braid.schema.BranchResult;
import io.braid.schema.BranchTask;
import io.braid.schema.registry.SchemaRegistryClient;
import io.braid.schema.serde.AvroDeserializer;
import io.braid.testing.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads a fleet's topics back to check flow control: what was published, and how much was out at once. */
final class TasksReadBack {

    private TasksReadBack() {
    }

    /** The records of {@code jobIds} on {@code topic}, in the registry's schema of {@code type}. */
    static <T extends org.apache.avro.specific.SpecificRecord> List<ConsumerRecord<String, T>> read(
            LocalFleet fleet, String topic, Class<T> type, Set<String> jobIds) {
        return TestKafka.readAll(fleet.bootstrapServers(), topic, new AvroDeserializer<>(
                        new SchemaRegistryClient(fleet.registryUrl()), type)).stream()
                .filter(record -> jobIds.contains(record.key())).toList();
    }

    /** The tasks of {@code jobIds} on both lanes (the tasks topic and the HIGH jobs' one). */
    static List<ConsumerRecord<String, BranchTask>> tasks(LocalFleet fleet, Set<String> jobIds) {
        List<ConsumerRecord<String, BranchTask>> tasks = new ArrayList<>(read(fleet, fleet.topics().tasks(),
                BranchTask.class, jobIds));
        tasks.addAll(read(fleet, fleet.topics().tasksHigh(), BranchTask.class, jobIds));
        return tasks;
    }

    /**
     * The most of these jobs' task branches ever queued or running at once: tasks published minus branches finished,
     * in the order the broker stamped them (a result at the same millisecond as a task counts first).
     */
    static int mostInFlight(LocalFleet fleet, Set<String> jobIds) {
        record Point(long at, int order, String branch, boolean task) {
        }
        List<Point> points = new ArrayList<>();
        tasks(fleet, jobIds).forEach(r -> points.add(new Point(r.timestamp(),
                1, r.key() + "/" + r.value().getBranch().getBranchId(), true)));
        read(fleet, fleet.topics().results(), BranchResult.class, jobIds).forEach(r -> points.add(new Point(
                r.timestamp(), 0, r.key() + "/" + r.value().getBranchId(), false)));
        points.sort(Comparator.comparingLong(Point::at).thenComparingInt(Point::order));
        Set<String> finished = new HashSet<>();
        int published = 0;
        int most = 0;
        for (Point point : points) {
            if (point.task()) {
                published++;
            } else {
                finished.add(point.branch());
            }
            most = Math.max(most, published - finished.size());
        }
        return most;
    }
}
