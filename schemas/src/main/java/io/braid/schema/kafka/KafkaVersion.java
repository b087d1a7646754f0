package io.braid.schema.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version of the Kafka clients on the class path, from the properties file their jar carries (Kafka's own
 * {@code AppInfoParser} is internal). Braid's share consumers need {@value #SHARE_CONSUMER_FIX} or later: older ones
 * can drop the gap acknowledgement of a transaction marker and leave a tasks partition undelivered for a whole
 * record lock (KAFKA-21106).
 */
public final class KafkaVersion {

    /** The first clients whose share consumer keeps every gap acknowledgement. */
    public static final String SHARE_CONSUMER_FIX = "4.4.0";

    private static final Pattern MAJOR_MINOR = Pattern.compile("(\\d+)\\.(\\d+)");

    private KafkaVersion() {
    }

    /** The clients' version, e.g. {@code 4.4.0}; empty when their jar carries none. */
    public static Optional<String> clients() {
        Properties version = new Properties();
        try (InputStream in = org.apache.kafka.clients.admin.Admin.class
                .getResourceAsStream("/kafka/kafka-version.properties")) {
            if (in == null) {
                return Optional.empty();
            }
            version.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Kafka clients' version", e);
        }
        return Optional.ofNullable(version.getProperty("version"));
    }

    /** Whether {@code version} is at least {@code major.minor}; false for a version it cannot read. */
    public static boolean atLeast(String version, int major, int minor) {
        Matcher matcher = MAJOR_MINOR.matcher(version);
        if (!matcher.lookingAt()) {
            return false;
        }
        int actualMajor = Integer.parseInt(matcher.group(1));
        int actualMinor = Integer.parseInt(matcher.group(2));
        return actualMajor > major || actualMajor == major && actualMinor >= minor;
    }

    /**
     * A warning when the clients on the class path are older than {@value #SHARE_CONSUMER_FIX}, saying what it costs
     * and what to change; empty when they are recent enough or say no version.
     */
    public static Optional<String> shareConsumerWarning() {
        return clients().filter(version -> !atLeast(version, 4, 4)).map(version -> "kafka-clients " + version
                + " is older than " + SHARE_CONSUMER_FIX + ": its share consumer can lose the acknowledgement of a "
                + "transaction marker (KAFKA-21106) and leave a tasks partition undelivered until the record lock "
                + "expires. Use kafka-clients " + SHARE_CONSUMER_FIX + " or later (with Spring Boot's BOM, set the "
                + "kafka.version property)");
    }
}
