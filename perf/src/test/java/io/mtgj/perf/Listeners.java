package io.mtgj.perf;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Checks on a listening port, for tests of start and stop.
 */
final class Listeners
{
    private Listeners()
    {
    }

    /**
     * @param address a loopback address.
     * @return whether a connection there is refused: nothing listens any more.
     */
    static boolean isRefused(final InetSocketAddress address)
    {
        try (Socket probe = new Socket(address.getAddress(), address.getPort()))
        {
            return false;
        }
        catch (final ConnectException refused)
        {
            return true;
        }
        catch (final IOException other)
        {
            return false;
        }
    }
}
