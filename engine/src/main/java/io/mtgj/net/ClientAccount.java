package io.mtgj.net;

/**
 * Whom a client proved to be when the proxy serves several secrets (named users): their limits are checked once the
 * client is known, and their traffic is counted. Shared by the sessions of every reactor, so implementations must
 * be thread-safe and cheap: the byte counts are called on the data path.
 */
public interface ClientAccount
{
    /**
     * A client proved this account's secret: count it as one more open connection, or say why it may not have one.
     *
     * @return null when admitted (then {@link #release()} follows exactly once), else why the client is refused.
     */
    RejectReason admit();

    /**
     * An admitted client's connection closed.
     */
    void release();

    /**
     * @param bytes read from an admitted client's socket.
     */
    void addIngress(long bytes);

    /**
     * @param bytes written to an admitted client's socket.
     */
    void addEgress(long bytes);

    /**
     * A handshake proved this account's secret and failed afterwards (a replay, a stale clock, a transport its mode
     * refuses): the only handshake failures that can be put down to a user.
     *
     * @param failure why.
     */
    void onFailedHandshake(HandshakeFailure failure);
}
