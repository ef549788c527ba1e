package io.mtgj.net;

import java.net.InetSocketAddress;

/**
 * How connections to Telegram are made when they do not go straight to its address: through a relay (a SOCKS5
 * server) that is connected to first and told the target. Shared by every reactor and called on their threads, so
 * implementations are thread-safe and never block; the cloak host is always dialed directly.
 */
public interface Dialer
{
    /**
     * @param target Telegram's address, an IP literal.
     * @param nowNs  the reactor's cached time.
     * @return a new attempt to reach it; never null.
     */
    Tunnel open(InetSocketAddress target, long nowNs);

    /**
     * @return relays configured: how many attempts one target deserves before the next address is tried.
     */
    int relayCount();
}
