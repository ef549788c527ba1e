package io.mtgj.net;

import java.nio.channels.SelectionKey;

/**
 * A channel registered with a reactor by something other than a session (a shared upstream's connection): the
 * reactor hands it its readiness events and tells it when its registration failed. Reactor thread only.
 */
public interface ChannelHandler
{
    /**
     * @param readyOps the key's ready set.
     * @throws java.io.IOException closes it: the reactor calls {@link #onFailed}.
     */
    void onSelected(int readyOps) throws java.io.IOException;

    /**
     * Its key was cancelled, an event threw or crashed it: close, giving everything back. Must not throw.
     *
     * @param why for the log.
     */
    void onFailed(String why);

    /**
     * The reactor moved the channel to a fresh selector.
     *
     * @param key the new registration.
     */
    void rekey(SelectionKey key);
}
