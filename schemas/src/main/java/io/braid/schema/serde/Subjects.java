package io.braid.schema.serde;

/** Subject names, following Confluent's TopicNameStrategy. */
public final class Subjects {

    private Subjects() {
    }

    public static String valueSubject(String topic) {
        return topic + "-value";
    }
}
