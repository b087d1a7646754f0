package io.braid.schema;

/** The consumer groups Braid's processes join, named once (the ACLs of each role name them too). */
public final class GroupIds {

    /** The dispatchers' consumer group on the jobs topic. */
    public static final String DISPATCHER = "braid-dispatcher";
    /** The aggregator's Kafka Streams application id (its group, and the prefix of its internal topics). */
    public static final String AGGREGATOR = "braid-aggregator";
    /** The workers' share group on the tasks topic, unless configured otherwise ({@code --worker-group}). */
    public static final String WORKERS = "braid-workers";

    private GroupIds() {
    }
}
