package io.braid.stack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for nodes that are killed and restarted on the same port: taken below the system's ephemeral
 * range (Linux: {@code /proc/sys/net/ipv4/ip_local_port_range}, 32768 by default), where the kernel never picks a
 * client connection's local port, so a restarted node finds its port free.
 */
final class LocalPorts {

    private static final int LOWEST = 10_000;

    private LocalPorts() {
    }

    /** A port free a moment ago, below the ephemeral range, in none of {@code taken}. */
    @SafeVarargs
    static int freeOutsideEphemeral(Collection<Integer>... taken) {
        int ceiling = ephemeralStart();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, ceiling);
            boolean used = false;
            for (Collection<Integer> ports : taken) {
                used |= ports.contains(port);
            }
            if (!used && bindable(port)) {
                return port;
            }
        }
        return EmbeddedKafkaBroker.freePort();
    }

    private static int ephemeralStart() {
        try {
            String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).strip().split("\\s+");
            int start = Integer.parseInt(range[0]);
            return start > LOWEST + 1000 ? start : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
