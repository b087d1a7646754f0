package io.braid.worker.internal.tools;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which hosts {@code http_get} may reach: public addresses always; loopback, link-local (including cloud metadata
 * at 169.254.169.254), private, carrier-grade NAT, unique-local IPv6, multicast and reserved ranges only when an
 * allow-list entry — a host name or a CIDR range — permits them. IPv6 addresses that carry an IPv4 address
 * (IPv4-mapped {@code ::ffff:0:0/96}, IPv4-compatible {@code ::/96}, NAT64 {@code 64:ff9b::/96} and
 * {@code 64:ff9b:1::/48}, 6to4 {@code 2002::/16}, Teredo {@code 2001::/32}) are judged by the IPv4 address they
 * carry. A name is resolved once ({@link #check}); every address it resolves to is checked, and the caller connects
 * only to those addresses, so a DNS server that answers differently the second time (DNS rebinding) gains
 * nothing. Every redirect's target is checked the same way.
 */
final class AddressPolicy {

    private final Set<String> hosts = new TreeSet<>();
    private final List<Range> ranges = new ArrayList<>();

    public AddressPolicy(List<String> allow) {
        for (String entry : allow) {
            String value = entry.trim().toLowerCase(Locale.ROOT);
            if (value.isEmpty()) {
                continue;
            }
            if (value.contains("/")) {
                ranges.add(Range.parse(value));
            } else if (looksLikeAddress(value)) {
                ranges.add(Range.parse(value + (value.contains(":") ? "/128" : "/32")));
            } else {
                hosts.add(value);
            }
        }
    }

    /**
     * Checks {@code host}; returns null when it may be fetched, else why not. {@code resolver} finds its addresses.
     */
    public String refusal(String host, Resolver resolver) throws UnknownHostException {
        return check(host, resolver).refusal();
    }

    /**
     * Resolves {@code host} once (an address literal is not looked up) and checks every address: the addresses to
     * connect to — and only those — or why not.
     */
    public Checked check(String host, Resolver resolver) throws UnknownHostException {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        InetAddress[] resolved = isLiteral(name) ? new InetAddress[] {InetAddress.getByName(name)}
                : resolver.resolve(name);
        if (resolved == null || resolved.length == 0) {
            throw new UnknownHostException(host);
        }
        List<InetAddress> addresses = List.of(resolved);
        if (hosts.contains(name)) {
            return new Checked(addresses, null);
        }
        for (InetAddress address : addresses) {
            if (!isPublic(address) && ranges.stream().noneMatch(range -> range.contains(address))) {
                return new Checked(addresses, host + " resolves to " + address.getHostAddress() + ", a "
                        + kind(address) + " address; http_get only fetches public addresses unless "
                        + "tools.http_get.allow lists the host or a range holding it");
            }
        }
        return new Checked(addresses, null);
    }

    /**
     * What {@link #check} found: the addresses a host resolved to, and why they may not be fetched (null = they
     * may).
     */
    public record Checked(List<InetAddress> addresses, String refusal) {
    }

    /** Whether {@code host} is an IPv4 or IPv6 address literal (no brackets), not a name to look up. */
    static boolean isLiteral(String host) {
        return host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || host.contains(":");
    }

    /** Resolves a host name to all its addresses. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    static boolean isPublic(InetAddress address) {
        return kind(address) == null;
    }

    /** What kind of non-public address this is, or null for a public one. */
    static String kind(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return "loopback";
        }
        if (address.isLinkLocalAddress()) {
            return "link-local";
        }
        if (address.isAnyLocalAddress()) {
            return "wildcard";
        }
        if (address.isMulticastAddress()) {
            return "multicast";
        }
        if (address.isSiteLocalAddress()) {
            return "private";
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 0 || first >= 240) {
                return "reserved";
            }
            if (first == 100 && second >= 64 && second <= 127) {
                return "carrier-grade NAT";
            }
            if (first == 198 && (second == 18 || second == 19) || first == 192 && second == 0 && (b[2] & 0xff) == 0) {
                return "reserved";
            }
        } else if (address instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return "unique-local";
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && b[2] == 0 && b[3] == 0) {
                return "Teredo tunnel";
            }
            if ((b[0] & 0xff) == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                    && b[4] == 0 && b[5] == 1) {
                return "local-use NAT64";
            }
            byte[] embedded = embeddedIpv4(b);
            if (embedded != null) {
                String kind = kind(ipv4(embedded));
                return kind == null ? null : kind + " (inside an IPv6 address)";
            }
        }
        return null;
    }

    /**
     * The IPv4 address an IPv6 address carries, or null: IPv4-mapped ({@code ::ffff:0:0/96}), IPv4-compatible
     * ({@code ::/96}) and well-known NAT64 ({@code 64:ff9b::/96}) in the last 4 bytes; 6to4 ({@code 2002::/16}) in
     * bytes 2 to 5.
     */
    static byte[] embeddedIpv4(byte[] b) {
        boolean mapped = (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        if (zeros(b, 0, 10) && (mapped || zeros(b, 10, 12))) {
            return java.util.Arrays.copyOfRange(b, 12, 16);
        }
        if (b[0] == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && zeros(b, 4, 12)) {
            return java.util.Arrays.copyOfRange(b, 12, 16);
        }
        if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            return java.util.Arrays.copyOfRange(b, 2, 6);
        }
        return null;
    }

    private static boolean zeros(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress ipv4(byte[] address) {
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv4 address", e);
        }
    }

    private static boolean looksLikeAddress(String value) {
        return value.matches("[0-9.]+") || value.contains(":");
    }

    private record Range(byte[] network, int prefix) {

        static Range parse(String cidr) {
            String[] parts = cidr.split("/", 2);
            try {
                byte[] network = InetAddress.getByName(parts[0]).getAddress();
                int prefix = Integer.parseInt(parts[1]);
                if (prefix < 0 || prefix > network.length * 8) {
                    throw new IllegalArgumentException("tools.http_get.allow: prefix of " + cidr + " is out of range");
                }
                return new Range(network, prefix);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("tools.http_get.allow: '" + cidr + "' is not a CIDR range such "
                        + "as 10.1.0.0/16 or fd00::/8");
            }
        }

        boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((candidate[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
