package io.braid.schema;

import io.braid.schema.registry.RegistryUrl;

import java.lang.reflect.RecordComponent;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The {@code toString} of an options record that may hold secrets: every component, except that a component or
 * map key named like a secret (token, password, secret, credential, {@code sasl.jaas.config}) shows {@code ***},
 * and a URL's password ({@code https://user:secret@host}) is masked. New components are covered without edits.
 */
public final class Redacted {

    /** What a secret value is shown as. */
    public static final String MASK = "***";

    private static final Pattern SECRET_NAME = Pattern.compile(
            ".*(token|password|passwd|secret|credential|jaas|apikey|api\\.key|private).*");

    private Redacted() {
    }

    /** {@code record} as {@code Name[a=1, token=***, url=https://user:***@host]}. */
    public static String toString(Record record) {
        StringJoiner fields = new StringJoiner(", ", record.getClass().getSimpleName() + "[", "]");
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            Object value;
            try {
                component.getAccessor().setAccessible(true);
                value = component.getAccessor().invoke(record);
            } catch (ReflectiveOperationException | RuntimeException e) {
                value = "?";
            }
            fields.add(component.getName() + "=" + show(component.getName(), value));
        }
        return fields.toString();
    }

    /** {@code value} as it may be printed, given its name. */
    static String show(String name, Object value) {
        if (value == null) {
            return "null";
        }
        if (isSecretName(name)) {
            return MASK;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, String> shown = new TreeMap<>();
            map.forEach((key, entry) -> shown.put(String.valueOf(key), show(String.valueOf(key), entry)));
            return shown.toString();
        }
        if (value instanceof CharSequence text) {
            return RegistryUrl.redacted(text.toString());
        }
        return String.valueOf(value);
    }

    /** Whether a setting of this name holds a secret. */
    public static boolean isSecretName(String name) {
        return SECRET_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches();
    }
}
