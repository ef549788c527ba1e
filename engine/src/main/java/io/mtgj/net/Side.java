package io.mtgj.net;

import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One socket of a session (client or upstream) with its registration and current interest set.
 */
final class Side
{
    final Session session;
    final boolean isClient;
    SocketChannel channel;
    SelectionKey key;
    int interestOps;
    boolean outputShut;

    Side(final Session session, final boolean isClient)
    {
        this.session = session;
        this.isClient = isClient;
    }

    void interest(final int ops)
    {
        if (ops != interestOps && null != key && key.isValid())
        {
            interestOps = ops;
            key.interestOps(ops);
        }
    }
}
