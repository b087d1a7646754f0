package io.braid.schema.registry;

import com.sun.net.httpserver.HttpServer;
import io.braid.schema.JobRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Credentials in the registry URL's user info reach the registry exactly: percent-decoded once, a {@code +} kept,
 * against a server that accepts only the right {@code Authorization} header.
 */
class RegistryBasicAuthTest {

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** A registry that answers 401 unless basic authentication names {@code user} and {@code password}. */
    private int registryRequiring(String user, String password) throws Exception {
        String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            boolean ok = expected.equals(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = (ok ? "{\"id\": 7}" : "{\"error_code\": 40101, \"message\": \"Unauthorized\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(ok ? 200 : 401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server.getAddress().getPort();
    }

    @Test
    void a_password_with_plus_percent_quote_backslash_and_at_works_when_percent_encoded() throws Exception {
        int port = registryRequiring("svc@braid", "p+w%d\"q\\s@x:y é");
        String url = "http://svc%40braid:p+w%25d%22q%5Cs%40x:y%20%C3%A9@127.0.0.1:" + port;

        assertThat(new SchemaRegistryClient(url).register("braid.jobs-value", JobRequest.getClassSchema()))
                .isEqualTo(7);
    }

    @Test
    void raw_special_characters_and_a_stray_percent_are_taken_as_written() throws Exception {
        int port = registryRequiring("svc", "a\"b\\c%zz+@d");
        String url = "http://svc:a\"b\\c%zz+@d@127.0.0.1:" + port;

        assertThat(new SchemaRegistryClient(url).register("braid.jobs-value", JobRequest.getClassSchema()))
                .isEqualTo(7);
    }

    @Test
    void a_wrong_password_is_answered_401_without_the_password_in_the_message() throws Exception {
        int port = registryRequiring("svc", "right");

        assertThatThrownBy(() -> new SchemaRegistryClient("http://svc:wr%2Bong@127.0.0.1:" + port)
                .register("braid.jobs-value", JobRequest.getClassSchema()))
                .isInstanceOf(SchemaRegistryException.class).hasMessageContaining("401")
                .hasMessageNotContaining("wr+ong").hasMessageNotContaining("wr%2Bong");
    }

    @Test
    void raw_credentials_given_apart_reach_the_registry_whatever_characters_they_hold() throws Exception {
        String password = "s/l?a#s@h:p%c+t\"é";
        int port = registryRequiring("svc@braid", password);
        String url = RegistryUrl.withCredentials("http://127.0.0.1:" + port, "svc@braid", password);

        assertThat(new SchemaRegistryClient(url).register("braid.jobs-value", JobRequest.getClassSchema()))
                .isEqualTo(7);
        assertThat(RegistryUrl.withCredentials("http://registry:8081", null, null)).isEqualTo("http://registry:8081");
        assertThatThrownBy(() -> RegistryUrl.withCredentials("http://a:b@registry:8081", "svc", "x"))
                .hasMessageContaining("one place").hasMessageNotContaining(":b@");
    }

    @Test
    void the_redacted_url_keeps_the_user_and_hides_the_password() {
        assertThat(RegistryUrl.redacted("https://svc:s3cr%40t@registry:8081/x@y")).isEqualTo("https://svc:***@registry:8081/x@y");
        assertThat(RegistryUrl.redacted("http://registry:8081")).isEqualTo("http://registry:8081");
        assertThat(RegistryUrl.parse("https://svc:s3cret@registry:8081").toString())
                .isEqualTo("https://registry:8081 (with basic authentication)");
        assertThatThrownBy(() -> new SchemaRegistryClient("ftp://svc:s3cret@registry"))
                .hasMessageNotContaining("s3cret").hasMessageContaining("ftp://svc:***@registry");
    }
}
