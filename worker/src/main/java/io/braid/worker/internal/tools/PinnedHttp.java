package io.braid.worker.internal.tools;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A plain HTTP/1.1 GET over a socket connected to an address the caller has already checked, so that no second
 * name lookup can send the request elsewhere (DNS rebinding). The request keeps the URL's host: in the
 * {@code Host} header and, over TLS, as the SNI name and the name the certificate must match. Every read is
 * bounded by one deadline for the whole fetch — connecting, the headers and the body — so a server that trickles
 * its answer cannot hold the call past it.
 */
final class PinnedHttp {

    /** The most bytes of a status line and headers. */
    static final int MAX_HEADER_BYTES = 64 * 1024;

    private final SSLSocketFactory tls;

    PinnedHttp(SSLSocketFactory tls) {
        this.tls = tls;
    }

    /** An answer's status, headers (names in lower case) and body, open until closed. */
    record Response(int status, Map<String, String> headers, InputStream body, Socket socket) implements Closeable {

        Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing more is read
            }
        }
    }

    /** When a fetch must be over, by {@code clock}. */
    record Deadline(Clock clock, Instant end, Duration limit) {

        static Deadline after(Clock clock, Duration limit) {
            return new Deadline(clock, clock.instant().plus(limit), limit);
        }

        /** Milliseconds left, at least 1; throws when none are. */
        int millisLeft() throws SocketTimeoutException {
            long left = Duration.between(clock.instant(), end).toMillis();
            if (left <= 0) {
                throw new SocketTimeoutException("no complete answer within " + limit.toMillis() + " ms");
            }
            return (int) Math.min(Integer.MAX_VALUE, left);
        }
    }

    /**
     * Sends {@code GET uri} to the first of {@code addresses} that accepts a connection and reads the status and
     * headers; the body is read from the response, within the same deadline.
     */
    Response get(URI uri, List<InetAddress> addresses, Deadline deadline) throws IOException {
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() >= 0 ? uri.getPort() : https ? 443 : 80;
        Socket socket = connect(addresses, port, deadline);
        try {
            if (https) {
                socket = secure(socket, uri.getHost(), port, deadline);
            }
            InputStream in = new BufferedInputStream(new DeadlineInputStream(socket, deadline));
            send(socket.getOutputStream(), uri);
            return read(in, socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static Socket connect(List<InetAddress> addresses, int port, Deadline deadline) throws IOException {
        IOException last = null;
        for (InetAddress address : addresses) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, port), deadline.millisLeft());
                return socket;
            } catch (SocketTimeoutException e) {
                socket.close();
                throw e;
            } catch (IOException e) {
                socket.close();
                last = new IOException("cannot connect to " + address.getHostAddress() + ":" + port + ": "
                        + e.getMessage(), e);
            }
        }
        throw last != null ? last : new IOException("no address to connect to");
    }

    private Socket secure(Socket plain, String host, int port, Deadline deadline) throws IOException {
        String name = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        SSLSocket socket = (SSLSocket) tls.createSocket(plain, name, port, true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!AddressPolicy.isLiteral(name)) {
            parameters.setServerNames(List.of(new SNIHostName(name)));
        }
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(deadline.millisLeft());
        socket.startHandshake();
        return socket;
    }

    private static void send(OutputStream out, URI uri) throws IOException {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        String host = uri.getPort() >= 0 ? uri.getHost() + ":" + uri.getPort() : uri.getHost();
        String request = "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: braid-worker http_get\r\n"
                + "Accept: */*\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static Response read(InputStream in, Socket socket) throws IOException {
        HeaderReader reader = new HeaderReader(in);
        while (true) {
            String statusLine = reader.line();
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.x answer: '" + abbreviate(statusLine) + "'");
            }
            int status;
            try {
                status = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IOException("not an HTTP status: '" + abbreviate(statusLine) + "'");
            }
            Map<String, String> headers = reader.headers();
            if (status >= 100 && status < 200) {
                continue; // an interim answer (100 Continue, 103 Early Hints): the real one follows
            }
            return new Response(status, headers, body(in, headers), socket);
        }
    }

    private static InputStream body(InputStream in, Map<String, String> headers) throws IOException {
        String encoding = headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT);
        if (encoding.contains("chunked")) {
            return new ChunkedInputStream(in);
        }
        String length = headers.get("content-length");
        if (length != null) {
            try {
                return new BoundedInputStream(in, Long.parseLong(length.trim()));
            } catch (NumberFormatException e) {
                throw new IOException("Content-Length '" + abbreviate(length) + "' is not a number");
            }
        }
        return in; // until the server closes the connection
    }

    private static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }

    /** Lines of a status and header section, within {@link #MAX_HEADER_BYTES} in all. */
    private static final class HeaderReader {
        private final InputStream in;
        private int read;

        HeaderReader(InputStream in) {
            this.in = in;
        }

        String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("the connection closed before the answer's headers ended");
                }
                if (++read > MAX_HEADER_BYTES) {
                    throw new IOException("the answer's headers are longer than " + MAX_HEADER_BYTES + " bytes");
                }
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toString(StandardCharsets.ISO_8859_1);
        }

        Map<String, String> headers() throws IOException {
            Map<String, String> headers = new TreeMap<>();
            for (String line = line(); !line.isEmpty(); line = line()) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.putIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            line.substring(colon + 1).trim());
                }
            }
            return headers;
        }
    }

    /** A filter whose single-byte read goes through its block read. */
    private abstract static class ByteStream extends FilterInputStream {
        ByteStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }
    }

    /** Reads the socket with each read's timeout set to what is left of the deadline, checked again after it. */
    private static final class DeadlineInputStream extends ByteStream {
        private final Socket socket;
        private final Deadline deadline;

        DeadlineInputStream(Socket socket, Deadline deadline) throws IOException {
            super(socket.getInputStream());
            this.socket = socket;
            this.deadline = deadline;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            socket.setSoTimeout(deadline.millisLeft());
            int n = super.read(buffer, offset, length);
            deadline.millisLeft();
            return n;
        }
    }

    /** A body of a known length. */
    private static final class BoundedInputStream extends ByteStream {
        private long left;

        BoundedInputStream(InputStream in, long length) {
            super(in);
            this.left = length;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(buffer, offset, (int) Math.min(length, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }

    /** A {@code Transfer-Encoding: chunked} body, decoded. */
    private static final class ChunkedInputStream extends ByteStream {
        private long chunkLeft;
        private boolean done;

        ChunkedInputStream(InputStream in) {
            super(in);
        }

        private String line() throws IOException {
            return new HeaderReader(in).line(); // each size line within the header limit
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (done) {
                return -1;
            }
            if (chunkLeft == 0) {
                String size = line();
                int extension = size.indexOf(';');
                try {
                    chunkLeft = Long.parseLong((extension < 0 ? size : size.substring(0, extension)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("bad chunk size '" + abbreviate(size) + "'");
                }
                if (chunkLeft == 0) {
                    done = true;
                    return -1;
                }
            }
            int n = super.read(buffer, offset, (int) Math.min(length, chunkLeft));
            if (n < 0) {
                throw new IOException("the connection closed inside a chunk");
            }
            chunkLeft -= n;
            if (chunkLeft == 0) {
                line(); // the CRLF after the chunk
            }
            return n;
        }
    }
}
