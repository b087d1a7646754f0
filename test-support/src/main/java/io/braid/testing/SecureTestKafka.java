package io.braid.testing;

import io.braid.schema.kafka.KafkaConnection;
import io.braid.stack.EmbeddedKafkaBroker;
import io.braid.stack.EmbeddedStack;
import io.braid.stack.SecuredListener;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * A real Kafka broker whose only client listener is SASL_SSL (certificates made by {@link TestCertificates}),
 * optionally enforcing ACLs, with SCRAM users added by the test; the embedded registry is started on it as one of
 * them. An {@link EmbeddedStack} started in two steps. Start one per test class.
 */
public final class SecureTestKafka implements AutoCloseable {

    /** A user of the secured listener: how a client logs in. */
    public record User(String name, String password, String mechanism) {

        /** Hides the password. */
        @Override
        public String toString() {
            return name + " (" + mechanism + ")";
        }
    }

    private final Path dataDir;
    private final TestCertificates certificates;
    private final EmbeddedStack stack;
    private final User admin;
    private final List<AutoCloseable> started = new ArrayList<>();

    private SecureTestKafka(Path dataDir, TestCertificates certificates, EmbeddedStack stack, User admin) {
        this.dataDir = dataDir;
        this.certificates = certificates;
        this.stack = stack;
        this.admin = admin;
    }

    /**
     * Starts the broker.
     *
     * @param authorizer whether ACLs are enforced ({@code StandardAuthorizer}; the admin user is the super user)
     * @param plainUsers users who log in with SASL/PLAIN, by name, with their passwords
     */
    public static SecureTestKafka start(boolean authorizer, Map<String, String> plainUsers) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("braid-secure-kafka");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestCertificates certificates = TestCertificates.create(dataDir);
        User admin = new User("admin", "admin-" + Long.toHexString(System.nanoTime()), "PLAIN");
        SecuredListener secured = new SecuredListener(certificates.keyStore(), certificates.password(), admin.name(),
                admin.password(), plainUsers, authorizer);
        EmbeddedStack stack = EmbeddedStack.startBroker(new EmbeddedKafkaBroker.Options(
                dataDir.resolve("kafka"), 0, Map.of(), secured));
        return new SecureTestKafka(dataDir, certificates, stack, admin);
    }

    public String bootstrapServers() {
        return stack.bootstrapServers();
    }

    /** The super user (SASL/PLAIN). */
    public User admin() {
        return admin;
    }

    /** A PLAIN user named when the broker started. */
    public User plainUser(String name, String password) {
        return new User(name, password, "PLAIN");
    }

    /**
     * Creates a SCRAM user ({@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}) and waits until the broker accepts its
     * login.
     */
    public User addScramUser(String name, String password, String mechanism) {
        User user = new User(name, password, mechanism);
        try (Admin client = Admin.create(connection(admin).config(Map.of()))) {
            client.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(name,
                    new ScramCredentialInfo(ScramMechanism.fromMechanismName(mechanism), 4096), password)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the SCRAM user " + name + ": " + e, e);
        }
        await("login of " + user).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> canLogIn(user));
        return user;
    }

    private boolean canLogIn(User user) throws Exception {
        try (Admin client = Admin.create(connection(user).config(Map.of("default.api.timeout.ms", 5000,
                "request.timeout.ms", 5000)))) {
            client.describeCluster().clusterId().get(5, TimeUnit.SECONDS);
            return true;
        }
    }

    /** The client properties of {@code user}: SASL_SSL, its mechanism and login, the test trust store. */
    public Map<String, String> clientProperties(User user) {
        Map<String, String> properties = new TreeMap<>();
        properties.put("security.protocol", "SASL_SSL");
        properties.put("sasl.mechanism", user.mechanism());
        String module = user.mechanism().equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        properties.put("sasl.jaas.config", module + " required username=" + quoted(user.name())
                + " password=" + quoted(user.password()) + ";");
        properties.put("ssl.truststore.location", certificates.trustStore().toAbsolutePath().toString());
        properties.put("ssl.truststore.password", certificates.password());
        properties.put("ssl.truststore.type", "PKCS12");
        return properties;
    }

    public KafkaConnection connection(User user) {
        return new KafkaConnection(bootstrapServers(), clientProperties(user));
    }

    /** {@code user}'s client properties as a file, what {@code --kafka-properties} reads. */
    public Path propertiesFile(User user) {
        return propertiesFile(user.name() + "-" + user.mechanism() + "-" + Math.abs(user.password().hashCode()),
                clientProperties(user));
    }

    /** {@code clientProperties} as the file {@code name.properties} in this broker's directory. */
    public Path propertiesFile(String name, Map<String, String> clientProperties) {
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        Path file = dataDir.resolve(name + ".properties");
        try (Writer writer = Files.newBufferedWriter(file)) {
            properties.store(writer, "Kafka client properties");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Starts the embedded registry with its store on this broker, logged in as {@code user}. */
    public String startRegistry(User user) {
        return stack.startRegistry(connection(user), 0);
    }

    /** Closes {@code resource} before the broker. */
    public <T extends AutoCloseable> T closeWithBroker(T resource) {
        started.add(resource);
        return resource;
    }

    private static String quoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    @Override
    public void close() {
        for (AutoCloseable resource : started.reversed()) {
            try {
                resource.close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        stack.close();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
