package io.mtgj.net;

import java.net.InetSocketAddress;

/**
 * One reactor's share of a {@link SharedUpstream}: its connections and the clients linked to them. Reactor thread
 * only, except {@link #connectionCount()}.
 */
public interface SharedLinks
{
    /**
     * Open what should be open before the first client (the pools' floors); called once when the reactor starts.
     */
    void start();

    /**
     * @param client    the session, called back with answers and room.
     * @param handshake its accepted handshake (DC, transport).
     * @param remote    the client's address.
     * @param local     the address it reached us on.
     * @return the client's link, or null when there is no route (then the session closes).
     */
    UpstreamLink join(LinkedClient client, HandshakeResult handshake, InetSocketAddress remote,
        InetSocketAddress local);

    /**
     * @return connections open now; readable from any thread.
     */
    int connectionCount();

    /**
     * Close every connection (their clients with them): the reactor is stopping.
     */
    void closeAll();
}
