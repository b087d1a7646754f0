package io.braid.registry.internal;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Schema Registry compatibility levels, decided with Avro's own {@link SchemaCompatibility}: BACKWARD (the new
 * schema reads data written with the old), FORWARD (the old reads the new), FULL (both), each against the latest
 * version or, TRANSITIVE, against every version; NONE checks nothing.
 */
enum CompatibilityLevel {
    NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE;

    static CompatibilityLevel parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new RegistryError(422, 42203, "Invalid compatibility level. Valid values are none, backward, "
                    + "forward, full, backward_transitive, forward_transitive, and full_transitive");
        }
    }

    boolean transitive() {
        return name().endsWith("_TRANSITIVE");
    }

    /**
     * Why {@code candidate} may not follow {@code existing} (oldest first) at this level; empty when it may. Only the
     * latest existing schema counts unless the level is transitive.
     */
    List<String> problems(Schema candidate, List<Schema> existing) {
        List<String> problems = new ArrayList<>();
        if (this == NONE || existing.isEmpty()) {
            return problems;
        }
        List<Schema> against = transitive() ? existing : List.of(existing.get(existing.size() - 1));
        boolean backward = name().startsWith("BACKWARD") || name().startsWith("FULL");
        boolean forward = name().startsWith("FORWARD") || name().startsWith("FULL");
        for (Schema previous : against) {
            if (backward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, previous),
                        "the new schema cannot read data written with an earlier one", problems);
            }
            if (forward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(previous, candidate),
                        "an earlier schema cannot read data written with the new one", problems);
            }
        }
        return problems;
    }

    private static void describe(SchemaCompatibility.SchemaPairCompatibility result, String what,
                                 List<String> problems) {
        if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            result.getResult().getIncompatibilities().forEach(i -> problems.add(what + ": " + i.getType() + " at "
                    + i.getLocation() + " (" + i.getMessage() + ")"));
        }
    }
}
