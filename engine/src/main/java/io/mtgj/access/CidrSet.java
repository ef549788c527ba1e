package io.mtgj.access;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A set of IPv4 and IPv6 networks for accept-time checks: every CIDR becomes a range of 128-bit addresses (IPv4 as
 * IPv4-mapped IPv6), ranges are sorted and merged once, and a lookup is one binary search without allocation.
 * Immutable, so reactors can share it and a reload simply swaps in a new one.
 */
public final class CidrSet
{
    /** The set with no network. */
    public static final CidrSet EMPTY = new CidrSet(new long[0], new long[0], new long[0], new long[0]);

    private final long[] startHi;
    private final long[] startLo;
    private final long[] endHi;
    private final long[] endLo;

    private CidrSet(final long[] startHi, final long[] startLo, final long[] endHi, final long[] endLo)
    {
        this.startHi = startHi;
        this.startLo = startLo;
        this.endHi = endHi;
        this.endLo = endLo;
    }

    /**
     * @param cidrs networks as {@code 10.0.0.0/8}, {@code 2001:db8::/32}, or single addresses.
     * @return the set.
     * @throws IllegalArgumentException naming the first entry that is not a network.
     */
    public static CidrSet parse(final Collection<String> cidrs)
    {
        final List<long[]> ranges = new ArrayList<>(cidrs.size());
        for (final String cidr : cidrs)
        {
            ranges.add(range(cidr.trim()));
        }
        ranges.sort((a, b) -> compare(a[0], a[1], b[0], b[1]));
        final List<long[]> merged = new ArrayList<>(ranges.size());
        for (final long[] range : ranges)
        {
            final long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            final boolean touchesLast = null != last &&
                (compare(range[0], range[1], last[2], last[3]) <= 0 || isNext(last, range));
            if (touchesLast)
            {
                if (compare(range[2], range[3], last[2], last[3]) > 0)
                {
                    last[2] = range[2];
                    last[3] = range[3];
                }
            }
            else
            {
                merged.add(range.clone());
            }
        }
        final int n = merged.size();
        final long[] startHi = new long[n];
        final long[] startLo = new long[n];
        final long[] endHi = new long[n];
        final long[] endLo = new long[n];
        for (int i = 0; i < n; i++)
        {
            startHi[i] = merged.get(i)[0];
            startLo[i] = merged.get(i)[1];
            endHi[i] = merged.get(i)[2];
            endLo[i] = merged.get(i)[3];
        }
        return new CidrSet(startHi, startLo, endHi, endLo);
    }

    private static boolean isNext(final long[] last, final long[] range)
    {
        // Adjacent ranges merge too: range starts right after last ends.
        final long lo = last[3] + 1;
        final long hi = 0 == lo ? last[2] + 1 : last[2];
        return hi == range[0] && lo == range[1];
    }

    private static long[] range(final String cidr)
    {
        final int slash = cidr.indexOf('/');
        final String host = slash < 0 ? cidr : cidr.substring(0, slash);
        if (host.isEmpty() || !isLiteral(host))
        {
            throw new IllegalArgumentException("bad network '" + cidr + "': expected an IP address or CIDR");
        }
        final InetAddress address;
        try
        {
            address = InetAddress.getByName(host);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("bad network '" + cidr + "'");
        }
        final boolean v4 = address instanceof Inet4Address;
        final int maxBits = v4 ? 32 : 128;
        final int bits;
        try
        {
            bits = slash < 0 ? maxBits : Integer.parseInt(cidr.substring(slash + 1));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("bad prefix length in '" + cidr + "'");
        }
        if (bits < 0 || bits > maxBits)
        {
            throw new IllegalArgumentException("bad prefix length in '" + cidr + "': expected 0.." + maxBits);
        }
        final long hi = high(address);
        final long lo = low(address);
        final int prefix = v4 ? 96 + bits : bits;
        final long maskHi = prefix >= 64 ? -1L : (0 == prefix ? 0 : -1L << (64 - prefix));
        final long maskLo = prefix <= 64 ? 0 : (128 == prefix ? -1L : -1L << (128 - prefix));
        return new long[] {hi & maskHi, lo & maskLo, hi | ~maskHi, lo | ~maskLo};
    }

    private static boolean isLiteral(final String host)
    {
        if (host.indexOf(':') < 0)
        {
            // Dotted quads only: InetAddress also takes the old inet_aton forms ("1.2.3" is 1.2.0.3).
            final String[] parts = host.split("\\.", -1);
            if (4 != parts.length)
            {
                return false;
            }
            for (final String part : parts)
            {
                if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit) ||
                    Integer.parseInt(part) > 255)
                {
                    return false;
                }
            }
            return true;
        }
        for (int i = 0; i < host.length(); i++)
        {
            final char c = host.charAt(i);
            if (!(Character.digit(c, 16) >= 0 || c == '.' || c == ':'))
            {
                return false; // never a DNS name: a list must not depend on lookups
            }
        }
        return true;
    }

    /**
     * @param address any address.
     * @return whether a network of the set contains it.
     */
    public boolean contains(final InetAddress address)
    {
        return contains(high(address), low(address));
    }

    private boolean contains(final long hi, final long lo)
    {
        int low = 0;
        int high = startHi.length - 1;
        int found = -1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            if (compare(startHi[mid], startLo[mid], hi, lo) <= 0)
            {
                found = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }
        return found >= 0 && compare(hi, lo, endHi[found], endLo[found]) <= 0;
    }

    /**
     * @return whether the set holds no network.
     */
    public boolean isEmpty()
    {
        return 0 == startHi.length;
    }

    /**
     * @return merged ranges held.
     */
    public int size()
    {
        return startHi.length;
    }

    private static long high(final InetAddress address)
    {
        final byte[] raw = address.getAddress();
        if (4 == raw.length)
        {
            return 0;
        }
        long value = 0;
        for (int i = 0; i < 8; i++)
        {
            value = value << 8 | (raw[i] & 0xff);
        }
        return value;
    }

    private static long low(final InetAddress address)
    {
        final byte[] raw = address.getAddress();
        long value = 0;
        if (4 == raw.length)
        {
            value = 0xffffL; // ::ffff:a.b.c.d
            for (int i = 0; i < 4; i++)
            {
                value = value << 8 | (raw[i] & 0xff);
            }
            return value;
        }
        for (int i = 8; i < 16; i++)
        {
            value = value << 8 | (raw[i] & 0xff);
        }
        return value;
    }

    private static int compare(final long aHi, final long aLo, final long bHi, final long bLo)
    {
        final int hi = Long.compareUnsigned(aHi, bHi);
        return 0 != hi ? hi : Long.compareUnsigned(aLo, bLo);
    }
}
