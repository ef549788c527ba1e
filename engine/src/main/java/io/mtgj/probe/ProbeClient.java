package io.mtgj.probe;

import io.mtgj.secret.Hex;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Sends one probe on a fresh connection and watches what comes back until the other side closes or resets, or the
 * wait is over. Blocking; one call per thread.
 */
final class ProbeClient
{
    /** Bytes kept for reading TLS records; the rest is only counted and hashed. */
    static final int CAPTURE_BYTES = 64 * 1024;
    private static final int HASH_DIGITS = 12;

    private ProbeClient()
    {
    }

    /**
     * @param address   the target.
     * @param probe     what to send.
     * @param timeoutMs time allowed to connect, and then to watch.
     * @param onAnswer  run once when the first byte arrives or the connection ends, whichever is first.
     * @return what happened.
     */
    static Observation observe(
        final InetSocketAddress address, final Probe probe, final int timeoutMs, final Runnable onAnswer)
    {
        final MessageDigest sha256 = sha256();
        final byte[] captured = new byte[CAPTURE_BYTES];
        int capturedLength = 0;
        long byteCount = 0;
        long firstByteMs = -1;
        boolean answered = false;
        try (Socket socket = new Socket())
        {
            try
            {
                socket.connect(address, timeoutMs);
            }
            catch (final IOException ex)
            {
                onAnswer.run();
                return new Observation(0, "", null, -1, -1, Ending.REFUSED, String.valueOf(ex.getMessage()));
            }
            final long startNs = System.nanoTime();
            final long deadlineNs = startNs + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            Ending ending = Ending.OPEN;
            long endMs = -1;
            try
            {
                if (probe.bytes().length > 0)
                {
                    socket.getOutputStream().write(probe.bytes());
                    socket.getOutputStream().flush();
                }
                if (probe.halfClose())
                {
                    socket.shutdownOutput();
                }
                final InputStream in = socket.getInputStream();
                final byte[] chunk = new byte[16 * 1024];
                while (true)
                {
                    final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
                    if (leftMs <= 0)
                    {
                        break;
                    }
                    socket.setSoTimeout((int)Math.min(Integer.MAX_VALUE, leftMs));
                    final int n = in.read(chunk);
                    if (n < 0)
                    {
                        ending = Ending.FIN;
                        endMs = elapsedMs(startNs);
                        break;
                    }
                    if (firstByteMs < 0)
                    {
                        firstByteMs = elapsedMs(startNs);
                        answered = true;
                        onAnswer.run();
                    }
                    sha256.update(chunk, 0, n);
                    final int kept = Math.min(n, CAPTURE_BYTES - capturedLength);
                    System.arraycopy(chunk, 0, captured, capturedLength, kept);
                    capturedLength += kept;
                    byteCount += n;
                }
            }
            catch (final SocketTimeoutException ex)
            {
                ending = Ending.OPEN;
            }
            catch (final SocketException ex)
            {
                // "Connection reset" on read, or "Broken pipe" on write: the other side reset it either way
                ending = Ending.RST;
                endMs = elapsedMs(startNs);
            }
            if (!answered)
            {
                onAnswer.run();
            }
            final String hash = 0 == byteCount ? "" : Hex.encode(sha256.digest()).substring(0, HASH_DIGITS);
            return new Observation(byteCount, hash, TlsShape.of(captured, capturedLength), firstByteMs, endMs,
                ending, null);
        }
        catch (final IOException ex)
        {
            if (!answered)
            {
                onAnswer.run();
            }
            return new Observation(byteCount, "", null, firstByteMs, -1, Ending.REFUSED, ex.toString());
        }
    }

    private static long elapsedMs(final long startNs)
    {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }

    private static MessageDigest sha256()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is required of every JDK", ex);
        }
    }

    /**
     * @param bytes a probe's bytes.
     * @param length how many to keep.
     * @return the first {@code length} of them.
     */
    static byte[] prefix(final byte[] bytes, final int length)
    {
        return Arrays.copyOf(bytes, Math.min(length, bytes.length));
    }
}
