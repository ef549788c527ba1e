package io.mtgj.net;

import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * With {@code --socks5}: a session's dials to Telegram through the SOCKS5 servers. Each address of its plan goes
 * through the next server on each failure, once per server configured, before the next address is tried; this holds
 * the negotiation of the attempt under way and how many servers the current address may still go through. The
 * session keeps the addresses, the channel and the dial timeout. Made when the session dials Telegram (the cloak
 * host is always dialed directly); reactor thread only.
 */
final class TunnelDial
{
    private final Dialer dialer;
    /** The attempt under way, from {@link #open} until it stands or fails. */
    private TunnelConnector connector;
    private int retriesLeft;

    TunnelDial(final Dialer dialer)
    {
        this.dialer = dialer;
        this.retriesLeft = dialer.relayCount() - 1;
    }

    /**
     * Start an attempt at one of Telegram's addresses.
     *
     * @param target the address.
     * @param nowNs  the reactor's time.
     * @return the SOCKS5 server to connect to, or null when its name has not resolved.
     */
    InetSocketAddress open(final InetSocketAddress target, final long nowNs)
    {
        connector = new TunnelConnector(dialer.open(target, nowNs));
        return connector.tunnel().relay();
    }

    /**
     * @return the interest the upstream channel needs while the attempt is under way.
     */
    int interestOps()
    {
        return null == connector ? SelectionKey.OP_CONNECT : connector.interestOps();
    }

    /**
     * TCP to the server is up: tell it the target.
     *
     * @return {@link TunnelConnector#IN_PROGRESS} or {@link TunnelConnector#FAILED}.
     */
    int onConnected(final SocketChannel channel)
    {
        return settle(connector.onConnected(channel));
    }

    /**
     * A readiness event on the upstream channel while the server negotiates.
     *
     * @return {@link TunnelConnector#IN_PROGRESS}, {@link TunnelConnector#READY} (the channel now carries
     *         Telegram's stream) or {@link TunnelConnector#FAILED}.
     */
    int onSelected(final SocketChannel channel, final int readyOps)
    {
        return settle(connector.onSelected(channel, readyOps));
    }

    /**
     * @return whether an attempt's negotiation is under way: the upstream channel's events belong to it.
     */
    boolean isNegotiating()
    {
        return null != connector;
    }

    /**
     * The TCP connection to the server could not be made: the tunnel counts and logs it.
     *
     * @param detail the socket error, or null.
     */
    void onConnectFailed(final String detail)
    {
        if (null != connector)
        {
            connector.onConnectFailed(detail);
        }
    }

    /**
     * The dial timeout passed during the attempt: the tunnel counts and logs it.
     */
    void onTimeout()
    {
        if (null != connector)
        {
            connector.onTimeout();
        }
    }

    /**
     * The attempt failed and is dropped.
     *
     * @return whether the same address goes through the next server; false when every server had it, and then the
     *         next address gets every server again.
     */
    boolean retrySameTarget()
    {
        connector = null;
        if (retriesLeft > 0)
        {
            retriesLeft--;
            return true;
        }
        retriesLeft = dialer.relayCount() - 1;
        return false;
    }

    private int settle(final int state)
    {
        if (TunnelConnector.READY == state)
        {
            connector = null;
        }
        return state;
    }
}
