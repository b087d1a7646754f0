package io.braid.worker.tools;

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
 * allow-list entry — a host name or a CIDR range — permits them. Every address a name resolves to is checked, and
 * so is every redirect's target.
 *
 * <p>Limit: the HTTP client resolves the name again when it connects, so a DNS server that answers differently
 * the second time (DNS rebinding) could slip past the check; run workers with egress rules where that matters.
 */
public final class AddressPolicy {

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
        String name = host.toLowerCase(Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        if (hosts.contains(name)) {
            return null;
        }
        for (InetAddress address : resolver.resolve(name)) {
            if (!isPublic(address) && ranges.stream().noneMatch(range -> range.contains(address))) {
                return host + " resolves to " + address.getHostAddress() + ", a " + kind(address)
                        + " address; http_get only fetches public addresses unless tools.http_get.allow lists the "
                        + "host or a range holding it";
            }
        }
        return null;
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
            if (isIpv4Mapped(b)) {
                try {
                    return kind(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
                } catch (UnknownHostException e) {
                    return "reserved";
                }
            }
        }
        return null;
    }

    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
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
