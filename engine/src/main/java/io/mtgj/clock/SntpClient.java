package io.mtgj.clock;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * One SNTP query (RFC 4330) over UDP, measuring the local clock's offset from a server. Blocking; for the control
 * thread, never for a reactor.
 * <p>
 * NTP timestamps are 64-bit: seconds since 1900-01-01 in the high 32 bits, a binary fraction of a second in the low
 * 32 bits. A seconds field with its top bit clear is read as era 1 (from 2036-02-07), as RFC 4330 section 3 says.
 */
public final class SntpClient
{
    /** Length of an SNTP packet without authenticator. */
    static final int PACKET_LENGTH = 48;
    /** LI 0 (no warning), VN 4, mode 3 (client). */
    static final byte CLIENT_FIRST_BYTE = 0x23;
    static final int MODE_SERVER = 4;
    static final int LEAP_ALARM = 3;
    static final int STRATUM_OFFSET = 1;
    static final int ORIGINATE_OFFSET = 24;
    static final int RECEIVE_OFFSET = 32;
    static final int TRANSMIT_OFFSET = 40;
    /** Seconds from 1900-01-01 (NTP epoch) to 1970-01-01 (Unix epoch). */
    static final long NTP_TO_UNIX_SECONDS = 2_208_988_800L;

    private static final long ERA_SECONDS = 1L << 32;
    private static final long MILLIS_PER_SECOND = 1000;
    /**
     * Fraction units added at random to our transmit timestamp: 2^22 of them are less than one millisecond (which is
     * 2^32 / 1000, about 4.29 million units), and {@link #toNtpTimestamp(long)} rounds up, so the sum still reads as
     * the same millisecond and never carries into the seconds.
     */
    private static final int SUB_MILLISECOND_FRACTION_BITS = 22;

    private SntpClient()
    {
    }

    /**
     * Query a server once and compute the local clock's offset: {@code ((T2 - T1) + (T3 - T4)) / 2} where T1 is our
     * transmit time, T2 the server's receive time, T3 its transmit time and T4 our receive time.
     *
     * @param server  resolved address of the server (port 123 normally).
     * @param timeout time allowed for the answer to arrive.
     * @param nowMs   the local clock in milliseconds since the Unix epoch, read at T1 and T4.
     * @return the server's clock minus ours, in milliseconds: positive when the local clock is behind.
     * @throws IOException naming the server on timeout, an unreachable port, or an answer that is not a valid reply
     *                     to this request.
     */
    public static long offsetMs(final InetSocketAddress server, final Duration timeout, final LongSupplier nowMs)
        throws IOException
    {
        Objects.requireNonNull(server, "server");
        final int timeoutMs = (int)Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        final byte[] request = new byte[PACKET_LENGTH];
        final byte[] answer = new byte[PACKET_LENGTH + 1];

        try (DatagramSocket socket = new DatagramSocket())
        {
            socket.setSoTimeout(timeoutMs);
            // Connected, so datagrams from any other source are discarded by the kernel.
            socket.connect(server);

            request[0] = CLIENT_FIRST_BYTE;
            final long t1Ms = nowMs.getAsLong();
            // Random bits below the millisecond make the originate check harder to pass for a spoofer.
            final long transmit = toNtpTimestamp(t1Ms) +
                ThreadLocalRandom.current().nextInt(1 << SUB_MILLISECOND_FRACTION_BITS);
            putLong(request, TRANSMIT_OFFSET, transmit);
            socket.send(new DatagramPacket(request, PACKET_LENGTH));

            final DatagramPacket packet = new DatagramPacket(answer, answer.length);
            socket.receive(packet);
            final long t4Ms = nowMs.getAsLong();

            checkAnswer(server, answer, packet.getLength(), transmit);
            final long t2Ms = toUnixMs(getLong(answer, RECEIVE_OFFSET));
            final long t3Ms = toUnixMs(getLong(answer, TRANSMIT_OFFSET));

            return Math.floorDiv((t2Ms - t1Ms) + (t3Ms - t4Ms), 2);
        }
        catch (final SocketTimeoutException ex)
        {
            throw new IOException("no answer from SNTP server " + server + " within " + timeoutMs + " ms", ex);
        }
        catch (final BadAnswerException ex)
        {
            throw ex;
        }
        catch (final IOException ex)
        {
            throw new IOException("SNTP query to " + server + " failed: " + ex, ex);
        }
    }

    private static void checkAnswer(
        final InetSocketAddress server, final byte[] answer, final int length, final long transmit)
        throws BadAnswerException
    {
        if (length < PACKET_LENGTH)
        {
            throw new BadAnswerException(server, "answer of " + length + " bytes, expected at least " + PACKET_LENGTH);
        }
        final int mode = answer[0] & 0x7;
        if (MODE_SERVER != mode)
        {
            throw new BadAnswerException(server, "mode " + mode + ", expected " + MODE_SERVER + " (server)");
        }
        final int leap = (answer[0] >> 6) & 0x3;
        if (LEAP_ALARM == leap)
        {
            throw new BadAnswerException(server, "leap indicator 3: the server's clock is not synchronised");
        }
        final int stratum = answer[STRATUM_OFFSET] & 0xFF;
        if (stratum < 1 || stratum > 15)
        {
            throw new BadAnswerException(server, "stratum " + stratum + ", expected 1..15" +
                (0 == stratum ? " (kiss-o'-death)" : ""));
        }
        if (transmit != getLong(answer, ORIGINATE_OFFSET))
        {
            throw new BadAnswerException(server, "originate timestamp does not match our transmit timestamp");
        }
        if (0 == getLong(answer, TRANSMIT_OFFSET))
        {
            throw new BadAnswerException(server, "zero transmit timestamp");
        }
    }

    /**
     * @param unixMs milliseconds since the Unix epoch.
     * @return the NTP timestamp of that instant (seconds modulo 2^32, so era 1 wraps as the protocol expects), the
     * fraction rounded up so that {@link #toUnixMs(long)} gives the same millisecond back.
     */
    static long toNtpTimestamp(final long unixMs)
    {
        final long seconds = Math.floorDiv(unixMs, MILLIS_PER_SECOND) + NTP_TO_UNIX_SECONDS;
        final long millis = Math.floorMod(unixMs, MILLIS_PER_SECOND);
        final long fraction = ((millis << 32) + MILLIS_PER_SECOND - 1) / MILLIS_PER_SECOND;
        return (seconds << 32) | fraction;
    }

    /**
     * @param ntpTimestamp an NTP timestamp.
     * @return milliseconds since the Unix epoch, rounded down; era 1 when the seconds' top bit is clear.
     */
    static long toUnixMs(final long ntpTimestamp)
    {
        long seconds = ntpTimestamp >>> 32;
        if (0 == (seconds & 0x8000_0000L))
        {
            seconds += ERA_SECONDS;
        }
        final long fraction = ntpTimestamp & 0xFFFF_FFFFL;
        return (seconds - NTP_TO_UNIX_SECONDS) * MILLIS_PER_SECOND + ((fraction * MILLIS_PER_SECOND) >>> 32);
    }

    private static void putLong(final byte[] buffer, final int offset, final long value)
    {
        for (int i = 0; i < Long.BYTES; i++)
        {
            buffer[offset + i] = (byte)(value >>> (Long.SIZE - Byte.SIZE * (i + 1)));
        }
    }

    private static long getLong(final byte[] buffer, final int offset)
    {
        long value = 0;
        for (int i = 0; i < Long.BYTES; i++)
        {
            value = (value << Byte.SIZE) | (buffer[offset + i] & 0xFFL);
        }
        return value;
    }

    /**
     * An answer arrived but is not a valid reply to our request.
     */
    static final class BadAnswerException extends IOException
    {
        private static final long serialVersionUID = 1L;

        BadAnswerException(final InetSocketAddress server, final String reason)
        {
            super("bad answer from SNTP server " + server + ": " + reason);
        }
    }
}
