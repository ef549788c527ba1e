package io.mtgj.stats;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The metrics endpoint could not listen on its address (typically the port is taken): a start-up failure distinct
 * from the proxy's own bind failure, so the message can name the right flag.
 */
public final class StatsBindException extends IOException
{
    private static final long serialVersionUID = 1L;

    private final transient InetSocketAddress address;

    /**
     * @param address the address asked for.
     * @param cause   why it failed.
     */
    public StatsBindException(final InetSocketAddress address, final IOException cause)
    {
        super(String.valueOf(cause.getMessage()), cause);
        this.address = address;
    }

    /**
     * @return the address that could not be bound.
     */
    public InetSocketAddress address()
    {
        return address;
    }
}
