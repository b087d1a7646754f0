package io.braid.schema.kafka;

import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * How Braid's processes reach Kafka: the bootstrap servers plus client properties every producer, consumer, admin
 * client and Streams instance gets — TLS and SASL settings for a secured cluster ({@code security.protocol},
 * {@code sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.truststore.location}, …), read from a properties
 * file ({@code --kafka-properties}). Braid's own settings of a client win over the file's.
 *
 * @param bootstrapServers host:port list
 * @param clientProperties extra client properties (never logged: they may hold passwords)
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> clientProperties) {

    /** Properties Braid sets itself, per client; the file may not change them. */
    private static final Set<String> OWNED = Set.of("bootstrap.servers", "key.serializer", "value.serializer",
            "key.deserializer", "value.deserializer", "group.id", "transactional.id", "enable.auto.commit",
            "isolation.level", "processing.guarantee", "application.id");

    public KafkaConnection {
        clientProperties = Map.copyOf(clientProperties);
    }

    public static KafkaConnection plain(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, Map.of());
    }

    /**
     * Client properties from a Java properties file; a property Braid sets itself is refused with the reason.
     * Values may take secrets from the environment as {@code ${env:NAME}} (e.g. a SASL password a Kubernetes
     * secret puts in the container's environment), so the file itself holds none.
     */
    public static Map<String, String> loadProperties(Path file) {
        return loadProperties(file, System::getenv);
    }

    static Map<String, String> loadProperties(Path file, java.util.function.UnaryOperator<String> env) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("Kafka client properties file " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read Kafka client properties " + file + ": " + e.getMessage());
        }
        Map<String, String> loaded = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (OWNED.contains(name)) {
                throw new IllegalArgumentException(file + ": '" + name + "' is set by Braid itself"
                        + (name.equals("bootstrap.servers") ? "; use --bootstrap-servers" : "") + "; remove it");
            }
            loaded.put(name, withEnvironment(file, name, properties.getProperty(name).trim(), env));
        }
        return loaded;
    }

    private static String withEnvironment(Path file, String name, String value,
                                          java.util.function.UnaryOperator<String> env) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}")
                .matcher(value);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String variable = env.apply(matcher.group(1));
            if (variable == null) {
                throw new IllegalArgumentException(file + ": '" + name + "' refers to the environment variable "
                        + matcher.group(1) + ", which is not set");
            }
            matcher.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(variable));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** A client's configuration: the client properties, then bootstrap servers and {@code settings} over them. */
    public Map<String, Object> config(Map<String, ?> settings) {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put("bootstrap.servers", bootstrapServers);
        config.putAll(settings);
        return config;
    }

    /**
     * A Kafka client's failure on this connection, said so the reader knows what to fix: its message, and for a
     * security failure (see {@link #securityAdvice}) the setting to check, naming the principal an ACL is missing
     * for; for a timeout, what to check when Kafka does not answer.
     */
    public String describe(Throwable failure) {
        String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        String advice = securityAdvice(failure, principal())
                .or(() -> timedOut(failure) ? Optional.of(unreachableAdvice()) : Optional.empty())
                .map(a -> "; " + a).orElse("");
        return "Kafka at " + bootstrapServers + ": " + message.replaceFirst("\\.$", "") + advice;
    }

    /**
     * What to check when Kafka did not answer in time: a client whose {@code security.protocol} does not match
     * the listener (plain text against TLS, or the reverse) sees no error, only a connection that never works.
     */
    public String unreachableAdvice() {
        return "is Kafka running there, and is security.protocol (" + clientProperties.getOrDefault(
                "security.protocol", "PLAINTEXT") + ") the protocol of its listener (--kafka-properties)?";
    }

    /**
     * Which setting to fix when {@code failure} or one of its causes is a Kafka security failure: refused
     * credentials name {@code sasl.jaas.config} and {@code sasl.mechanism}, a failed TLS handshake the trust store,
     * a refused operation the principal's ACLs. Empty for any other failure.
     */
    public static Optional<String> securityAdvice(Throwable failure) {
        return securityAdvice(failure, "the principal of sasl.jaas.config (--kafka-properties)");
    }

    private static Optional<String> securityAdvice(Throwable failure, String principal) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SaslAuthenticationException) {
                return Optional.of("check the user name and password in sasl.jaas.config, and that sasl.mechanism "
                        + "is one the broker's listener enables, in the Kafka client properties (--kafka-properties)");
            }
            if (cause instanceof SslAuthenticationException) {
                return Optional.of("the TLS handshake failed: check ssl.truststore.location and "
                        + "ssl.truststore.password (the broker's CA must be in it) and that the broker's certificate "
                        + "names the host in --bootstrap-servers, in the Kafka client properties (--kafka-properties)");
            }
            if (cause instanceof AuthorizationException) {
                return Optional.of(principal + " lacks an ACL for this; grant its role's ACLs "
                        + "(braid acls ROLE --principal User:NAME, see deploy/acls/)");
            }
        }
        return Optional.empty();
    }

    private static boolean timedOut(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException
                    || cause instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** {@code User:NAME} from the user name in {@code sasl.jaas.config}, or a description of where it is. */
    private String principal() {
        java.util.regex.Matcher user = java.util.regex.Pattern.compile("username\\s*=\\s*\"([^\"]*)\"")
                .matcher(clientProperties.getOrDefault("sasl.jaas.config", ""));
        return user.find() ? "User:" + user.group(1) + " (sasl.jaas.config in --kafka-properties)"
                : "the principal of sasl.jaas.config (--kafka-properties)";
    }

    /** Shows which properties are set, not their values. */
    @Override
    public String toString() {
        return bootstrapServers + (clientProperties.isEmpty() ? "" : " with " + new TreeMap<>(clientProperties).keySet());
    }
}
