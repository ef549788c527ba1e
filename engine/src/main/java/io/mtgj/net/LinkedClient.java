package io.mtgj.net;

/**
 * The session side of an {@link UpstreamLink}, called by the shared connection on the reactor's thread.
 */
public interface LinkedClient
{
    /**
     * @return the client's bytes, decrypted, for the link to take packets from.
     */
    RelayPipe fromClient();

    /**
     * @return the way towards the client, for the link to put answers into.
     */
    RelayPipe toClient();

    /**
     * @return false once the session closed.
     */
    boolean isOpen();

    /**
     * Bytes came for it from upstream: it is not idle.
     */
    void onUpstreamActivity();

    /**
     * Answers were queued on the link: move them towards the client now.
     */
    void deliver();

    /**
     * The connection has room again for the packets that waited.
     */
    void resumeForwarding();

    /**
     * Close the session (idempotent); its link is detached on the way.
     */
    void close(CloseReason reason);
}
