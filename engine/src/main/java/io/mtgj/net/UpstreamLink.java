package io.mtgj.net;

import java.io.IOException;

/**
 * A session's place on a shared upstream connection: takes the client's decrypted packets and holds the answers not
 * yet moved into its pipe. Reactor thread only.
 */
public interface UpstreamLink
{
    /**
     * Offer every complete packet of the client's pipe ({@link LinkedClient#fromClient()}) and consume them from it;
     * keep the rest.
     *
     * @return null, or why the client must be closed.
     */
    CloseReason forward();

    /**
     * @return whether its packets wait for room on the connection ({@link LinkedClient#resumeForwarding()} follows).
     */
    boolean isWaitingForRoom();

    /**
     * Move queued answers into the pipe towards the client ({@link LinkedClient#toClient()}), which frames and
     * encrypts them, and write.
     */
    void pumpToClient() throws IOException;

    /**
     * The session closed: leave the connection and give everything back.
     */
    void detach();
}
