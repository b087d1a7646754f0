package io.braid.schema;

import org.apache.avro.Schema;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which record schema each of Braid's topics carries: the schemas Braid owns and registers under the
 * TopicNameStrategy subjects ({@code <topic>-value}), and publishes as {@code .avsc} files.
 *
 * <p>The dead-letter topics are absent: they hold the refused records' bytes as they came (their schema ids point
 * at the source topic's subject), so no schema of their own.
 */
public final class TopicSchemas {

    private TopicSchemas() {
    }

    /** Topic name to the schema of its records, in the order a job flows through them. */
    public static Map<String, Schema> byTopic(Topics topics) {
        Map<String, Schema> schemas = new LinkedHashMap<>();
        schemas.put(topics.jobs(), JobRequest.getClassSchema());
        schemas.put(topics.manifests(), JobManifest.getClassSchema());
        schemas.put(topics.tasks(), BranchTask.getClassSchema());
        schemas.put(topics.tasksHigh(), BranchTask.getClassSchema());
        schemas.put(topics.results(), BranchResult.getClassSchema());
        schemas.put(topics.jobResults(), JobResult.getClassSchema());
        schemas.put(topics.jobEvents(), JobEvent.getClassSchema());
        schemas.put(topics.control(), JobControl.getClassSchema());
        schemas.put(topics.workers(), WorkerStatus.getClassSchema());
        return schemas;
    }

    /** The record schemas of {@link #byTopic}, each once: what {@code braid schemas export} writes. */
    public static List<Schema> records() {
        return byTopic(Topics.defaults()).values().stream().distinct().toList();
    }

    /** The published file name of a record schema, e.g. {@code JobRequest.avsc}. */
    public static String fileName(Schema schema) {
        return schema.getName() + ".avsc";
    }

    /** The published text of a record schema: Avro's pretty-printed JSON and a final newline. */
    public static String fileText(Schema schema) {
        return schema.toString(true) + "\n";
    }
}
