package io.braid.stack;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A secured embedded broker: clients connect over TLS and authenticate with SASL — SCRAM-SHA-256 and SCRAM-SHA-512
 * (users created in the cluster's metadata, e.g. with {@code Admin.alterUserScramCredentials}) or PLAIN (users
 * named here). The broker's own connections (to its controller, and inter-broker) use SASL/PLAIN as
 * {@code superUser} on loopback-only listeners. With {@code authorizer}, ACLs are enforced by Kafka's
 * {@code StandardAuthorizer}: only {@code superUser} passes without them.
 *
 * @param keyStore         PKCS12 key store holding the broker's key and certificate (which must name 127.0.0.1)
 * @param keyStorePassword password of the key store and its key
 * @param superUser        the broker's own user, and the administrator's
 * @param superPassword    its password
 * @param plainUsers       further users who may log in with SASL/PLAIN, by name, with their passwords
 * @param authorizer       whether ACLs are enforced
 */
public record SecuredListener(Path keyStore, String keyStorePassword, String superUser, String superPassword,
                              Map<String, String> plainUsers, boolean authorizer) {

    public SecuredListener {
        Objects.requireNonNull(keyStore, "keyStore");
        Objects.requireNonNull(keyStorePassword, "keyStorePassword");
        Objects.requireNonNull(superUser, "superUser");
        Objects.requireNonNull(superPassword, "superPassword");
        plainUsers = Map.copyOf(plainUsers);
    }

    /** The client listener CLIENT (SASL_SSL) on {@code clientPort}, BROKER and CONTROLLER (SASL_PLAINTEXT). */
    Map<String, String> brokerProperties(int clientPort, int brokerPort, int controllerPort) {
        Map<String, String> props = new HashMap<>();
        props.put("listeners", "CLIENT://127.0.0.1:" + clientPort + ",BROKER://127.0.0.1:" + brokerPort
                + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "CLIENT://127.0.0.1:" + clientPort + ",BROKER://127.0.0.1:" + brokerPort);
        props.put("listener.security.protocol.map",
                "CLIENT:SASL_SSL,BROKER:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        props.put("inter.broker.listener.name", "BROKER");
        props.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        props.put("sasl.mechanism.controller.protocol", "PLAIN");
        props.put("listener.name.client.sasl.enabled.mechanisms", "SCRAM-SHA-256,SCRAM-SHA-512,PLAIN");
        props.put("listener.name.broker.sasl.enabled.mechanisms", "PLAIN");
        props.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        for (String listener : new String[] {"client", "broker", "controller"}) {
            props.put("listener.name." + listener + ".plain.sasl.jaas.config", plainJaas());
        }
        String scram = "org.apache.kafka.common.security.scram.ScramLoginModule required;";
        props.put("listener.name.client.scram-sha-256.sasl.jaas.config", scram);
        props.put("listener.name.client.scram-sha-512.sasl.jaas.config", scram);
        props.put("listener.name.client.ssl.keystore.location", keyStore.toAbsolutePath().toString());
        props.put("listener.name.client.ssl.keystore.password", keyStorePassword);
        props.put("listener.name.client.ssl.key.password", keyStorePassword);
        props.put("listener.name.client.ssl.keystore.type", "PKCS12");
        if (authorizer) {
            props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            props.put("super.users", "User:" + superUser);
        }
        return props;
    }

    /** The PLAIN login: the broker's own user and password (for its connections) and every user it accepts. */
    private String plainJaas() {
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=" + quoted(superUser) + " password=" + quoted(superPassword)
                + " user_" + superUser + "=" + quoted(superPassword));
        plainUsers.forEach((user, password) -> jaas.append(" user_").append(user).append('=').append(quoted(password)));
        return jaas.append(';').toString();
    }

    /** A JAAS string value: quotes and backslashes escaped. */
    static String quoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** Hides the passwords. */
    @Override
    public String toString() {
        return "SecuredListener[superUser=" + superUser + ", plainUsers=" + plainUsers.keySet() + ", authorizer="
                + authorizer + "]";
    }
}
