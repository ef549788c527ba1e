package io.mtgj.perf;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where simulated users connect from: user {@code i} from a loopback address of its own, so that a proxy keeping
 * per-address state sees each user as a separate client, as it would on the internet. Linux routes all of
 * 127.0.0.0/8 to the loopback interface and lets a socket bind any of it, so no interface has to be set up.
 * <p>
 * The addresses are scattered over 127.1.0.0 to 127.255.255.254 by a fixed permutation of their 24 low bits, as
 * unrelated clients' addresses are scattered, never in 127.0.0.0/16 (so no user shares 127.0.0.1, the address of
 * {@link #shared()} clients). Consecutive addresses would flatter a proxy that keeps per-address state in a table
 * indexed by a multiplicative hash of the address: such a hash spreads an arithmetic progression over the slots
 * almost without collisions, while random addresses collide as the birthday problem says (10,000 of them in 16,384
 * slots: about a quarter share a slot).
 * <p>
 * Local ports are handed out in turn by {@link #nextPort()}, below the kernel's ephemeral range, for sockets that
 * set {@code SO_REUSEADDR}: a client that closes first leaves its side in TIME_WAIT for a minute, and with
 * thousands of visits a second from one address, {@code bind(address, 0)} spends milliseconds of kernel time
 * searching for a port without one (measured here: all visits from one address ran at a quarter of the rate, the
 * load process mostly in system time), while cycling explicit ports lets the kernel reuse a TIME_WAIT pair once it
 * is a second old ({@code net.ipv4.tcp_tw_reuse}, on for loopback by default). An address then costs the same
 * however many visits it makes, so the 1-user reference is not slowed by its one address.
 */
final class SourceAddresses
{
    /** First local port handed out. */
    static final int FIRST_PORT = 10_000;
    /** Last local port handed out: just below Linux's default ephemeral range (32768-60999). */
    static final int LAST_PORT = 32_767;
    private static final int MASK = (1 << 24) - 1;
    /** 127.0.x.y is left out: the 24-bit values below this. */
    private static final int FIRST_VALUE = 1 << 16;
    /** Users that get an address: every 24-bit value from {@link #FIRST_VALUE} but the last (127.255.255.255). */
    static final int MAX_USERS = MASK - FIRST_VALUE;
    private static final AtomicInteger PORT_CURSOR = new AtomicInteger();

    private SourceAddresses()
    {
    }

    /**
     * @param userIndex the user's position, 0 to {@link #MAX_USERS} - 1.
     * @return the four bytes of its address, distinct for every index.
     */
    static byte[] octets(final int userIndex)
    {
        if (userIndex < 0 || userIndex >= MAX_USERS)
        {
            throw new IllegalArgumentException("user index " + userIndex + " outside 0.." + (MAX_USERS - 1));
        }
        // Cycle-walking: the permutation's cycles pass through allowed values only between left-out ones, so
        // walking on until an allowed value comes is a permutation of the allowed values.
        int value = permute(FIRST_VALUE + userIndex);
        while (!isAllowed(value))
        {
            value = permute(value);
        }
        return new byte[] {127, (byte)(value >>> 16), (byte)(value >>> 8), (byte)value};
    }

    private static boolean isAllowed(final int value)
    {
        return value >= FIRST_VALUE && value != MASK;
    }

    /**
     * @param value 24 bits.
     * @return a fixed permutation of them: odd multiplications and xor-shifts, each a bijection modulo 2^24.
     */
    static int permute(final int value)
    {
        int v = value & MASK;
        v = (v * 0x9E3779 + 0x5BD1E9) & MASK;
        v ^= v >>> 12;
        v = (v * 0xC2B2AF) & MASK;
        v ^= v >>> 11;
        v = (v * 0x27D4EB) & MASK;
        v ^= v >>> 13;
        return v;
    }

    /**
     * @param userIndex the user's position, 0 to {@link #MAX_USERS} - 1.
     * @return its address in dotted form, e.g. {@code 127.83.4.211}.
     */
    static String text(final int userIndex)
    {
        final byte[] octets = octets(userIndex);
        return (octets[0] & 0xff) + "." + (octets[1] & 0xff) + "." + (octets[2] & 0xff) + "." + (octets[3] & 0xff);
    }

    /**
     * @param userIndex the user's position, 0 to {@link #MAX_USERS} - 1.
     * @return its address.
     */
    static InetAddress forUser(final int userIndex)
    {
        try
        {
            return InetAddress.getByAddress(octets(userIndex));
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException("four bytes are an IPv4 address", ex);
        }
    }

    /**
     * @return the next local port to bind, {@link #FIRST_PORT} to {@link #LAST_PORT} in turn, shared by every
     *         address: a port comes back to one address after {@code LAST_PORT - FIRST_PORT + 1} visits in all.
     */
    static int nextPort()
    {
        return FIRST_PORT + Math.floorMod(PORT_CURSOR.getAndIncrement(), LAST_PORT - FIRST_PORT + 1);
    }

    /**
     * @return 127.0.0.1, the one address every "cold" client shares: a proxy's per-address hint then names some
     *         other user almost every time.
     */
    static InetAddress shared()
    {
        try
        {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException("four bytes are an IPv4 address", ex);
        }
    }
}
