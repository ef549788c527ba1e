package io.mtgj.net;

import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;

/**
 * What a reactor lends a shared upstream's connections on its thread: channel registration, the buffer arena, timers
 * and counters. Everything here is reactor-thread only, as are the connections using it.
 */
public interface ReactorServices
{
    /**
     * @return the reactor's number, for logs.
     */
    int index();

    /**
     * @return the time cached at the start of the current cycle.
     */
    long nowNs();

    /**
     * @return the {@code --dial-timeout}.
     */
    long dialTimeoutNs();

    /**
     * @return how connections to Telegram are made ({@code --socks5}), or null when they go straight to its address.
     */
    Dialer dialer();

    /**
     * @return the reactor's buffer arena; leases of a shared connection should be priority ones.
     */
    BufferArena arena();

    /**
     * Register a channel whose events go to {@code handler}.
     */
    SelectionKey register(SelectableChannel channel, int ops, ChannelHandler handler) throws ClosedChannelException;

    /**
     * @param task       run once on this reactor's thread at or after the deadline; a throw is logged.
     * @param deadlineNs on {@link #nowNs()}'s clock.
     * @return an id for {@link #cancelTimer}.
     */
    long schedule(Runnable task, long deadlineNs);

    /**
     * @param timerId from {@link #schedule}; an expired or cancelled id is ignored.
     */
    void cancelTimer(long timerId);

    /**
     * Run {@code task} on this thread once the current cycle's events are handled: for writes that several events
     * may add to, so they leave together.
     */
    void afterEvents(Runnable task);

    /**
     * Resume {@code waiter} after the current event: for an arena waiter granted a buffer.
     */
    void onGranted(BufferWaiter waiter);

    /**
     * @return the reactor's counters.
     */
    ReactorCounters counters();
}
