package io.mtgj.diagnose;

import io.mtgj.config.HostPort;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/**
 * One TCP connect with a timeout, timed: what a proxy does first for every client (protocol.md 3.3).
 *
 * @param address where it dialed.
 * @param connectMs the connect round-trip in milliseconds, or -1 when it failed.
 * @param error   why it failed, or null.
 */
record Dial(InetSocketAddress address, long connectMs, String error)
{
    /**
     * Connect and close at once.
     *
     * @param address   where to connect.
     * @param timeoutMs time allowed.
     * @return the outcome; never throws for a network failure.
     */
    static Dial to(final InetSocketAddress address, final int timeoutMs)
    {
        final long startNs = System.nanoTime();
        try (Socket socket = new Socket())
        {
            socket.connect(address, timeoutMs);
            final long connectMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            socket.setSoLinger(true, 0); // nothing to say: leave no TIME_WAIT behind
            return new Dial(address, connectMs, null);
        }
        catch (final IOException ex)
        {
            final String message = null == ex.getMessage() ? ex.getClass().getSimpleName() : ex.getMessage();
            return new Dial(address, -1, message);
        }
    }

    /**
     * @return whether it connected.
     */
    boolean isConnected()
    {
        return null == error;
    }

    /**
     * @return {@code host:port}, IPv6 in brackets.
     */
    String where()
    {
        return HostPort.text(address);
    }

    @Override
    public String toString()
    {
        return isConnected() ? where() + " in " + connectMs + " ms" : where() + " failed (" + error + ")";
    }
}
