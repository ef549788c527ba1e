package io.mtgj.net;

import io.mtgj.config.ClientIpLogging;
import io.mtgj.config.ProxyConfig;
import io.mtgj.crypto.CtrTranscoder;
import io.mtgj.stats.LatencyRecorders;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.ObjectHashSet;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.DeadlineTimerWheel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One selector thread and everything it owns: its sessions, buffer arena, timers, scratch arrays and counters. No
 * other thread touches them; other threads only {@link #offer(Runnable)} commands. Work is one {@link #doWork()}
 * cycle, so tests can step a reactor by hand (style.md 5).
 */
public final class Reactor implements Runnable, ReactorServices
{
    static final long NO_TIMER = DeadlineTimerWheel.NULL_DEADLINE;

    private static final System.Logger LOG = System.getLogger("io.mtgj.reactor");
    private static final Object LISTENER = new Object();
    private static final int COMMAND_DRAIN_LIMIT = 16;
    /**
     * Clients accepted per readiness of the listener. A cycle that also serves hundreds of busy relays can take a
     * good part of a second, and a client waiting in the backlog meanwhile ages its FakeTLS hello towards the time
     * window (1,000 clients starting downloads at once: a fifth were refused as stale at 16 a cycle). An accept is
     * cheap next to a relay's reads, and --max-handshakes still bounds what a flood can start.
     */
    private static final int ACCEPT_ROUNDS = 256;
    /** Bound on the accept rounds that take a stopping listener's queue: {@code BACKLOG_ROUNDS * ACCEPT_ROUNDS}. */
    private static final int BACKLOG_ROUNDS = 32;
    private static final long TICK_NS = 1L << 27; // ~134 ms: deadlines here are seconds long
    private static final int TICKS_PER_WHEEL = 512;
    private static final long IDLE_SELECT_MS = 1000;
    private static final long ACCEPT_PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Netty's threshold of premature select returns before the selector is assumed broken. */
    private static final int SPIN_REBUILD_THRESHOLD = 512;
    private static final int MAX_DISTINCT_CRASH_SITES = 256;
    /**
     * A relay silent this long lets its ciphers sleep (AesCtr): they are most of what an idle connection holds, and
     * freed this soon they are gone before the heap has to grow for the connections that keep arriving (9,500 idle
     * connections: 3.5 KB each in all, against 4.55 KB after 20 s). Waking one costs a few microseconds and about 1 KB
     * of garbage, once per burst of a chat-like connection.
     */
    private static final long DORMANT_AFTER_NS = TimeUnit.SECONDS.toNanos(5);

    private final int index;
    private final ServerSocketChannel listener;
    private final ClientMode clientMode;
    private final Upstream upstream;
    private final Upstream cloak;
    /** Connection permits, access lists, per-IP limit, PROXY protocol trust: who gets in. */
    private final Admission admission;
    private final int maxHandshakes;
    private final java.util.ArrayDeque<Session> handshaking = new java.util.ArrayDeque<>();
    private int handshakingCount;
    /** Promoted-channel mode: this reactor's connections to the shared upstream; null otherwise. */
    private final SharedLinks links;
    private boolean linksStarted;
    private final BufferArena arena;
    private final int readBufferBytes;
    private final int writeBufferBytes;
    /** Waiters the arena granted a buffer during this cycle, to resume after the event that freed it. */
    private final java.util.ArrayDeque<BufferWaiter> granted = new java.util.ArrayDeque<>();
    /** Tasks to run once this cycle's events are handled ({@link #afterEvents}). */
    private final java.util.ArrayDeque<Runnable> afterEvents = new java.util.ArrayDeque<>();
    private final CtrTranscoder transcoder;
    private final ByteBuffer[] gather = new ByteBuffer[2];
    private final UnsafeBuffer heapView = new UnsafeBuffer(new byte[0]);
    private final DeadlineTimerWheel timers;
    private final Long2ObjectHashMap<Session> sessionsByTimer = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<Runnable> tasksByTimer = new Long2ObjectHashMap<>();
    private final ObjectHashSet<Session> sessions = new ObjectHashSet<>();
    private final ManyToOneConcurrentArrayQueue<Runnable> commands = new ManyToOneConcurrentArrayQueue<>(1024);
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final ReactorCounters counters = new ReactorCounters();
    private final LatencyRecorders latencies;
    private final Set<String> crashSites = new HashSet<>();
    private final Consumer<SelectionKey> keyHandler = this::onKey;
    private final Consumer<BufferWaiter> resumeWaiter = BufferWaiter::resumeAfterGrant;
    private final Consumer<Runnable> runTask = Runnable::run;
    private final DeadlineTimerWheel.TimerHandler timerHandler = this::onTimerExpiry;
    private final long handshakeTimeoutNs;
    private final long dialTimeoutNs;
    /** {@code --socks5}: how Telegram is reached; null to dial it directly. */
    private final Dialer dialer;
    private final long idleTimeoutNs;
    private final long stallTimeoutNs;
    /** Whether records to FakeTLS clients start small ({@code --no-tls-shaping} turns it off). */
    private final boolean sizesRecords;
    private final ClientIpLogging clientIpLogging;
    private final long dormantAfterNs;
    private Selector selector;
    private SelectionKey listenerKey;
    private long nowNs;
    private long acceptPausedUntilNs;
    private boolean accepting;
    private int prematureSelects;
    private volatile boolean running = true;

    /**
     * @param index      reactor number, for the thread name.
     * @param config     the proxy's configuration.
     * @param listener   its non-blocking listening socket: its own (SO_REUSEPORT), or one every reactor shares.
     * @param clientMode how clients authenticate.
     * @param upstream   how Telegram is reached.
     * @param cloak      where clients that are not ours are fronted, or null when the mode never fronts.
     * @throws IOException when the selector cannot be opened.
     */
    public Reactor(
        final int index,
        final ProxyConfig config,
        final ServerSocketChannel listener,
        final ClientMode clientMode,
        final Upstream upstream,
        final Upstream cloak) throws IOException
    {
        this(index, config, listener, clientMode, upstream, cloak,
            new ConnectionLimit(config.capacity().maxConnections()), ClientGate.OPEN, null);
    }

    /**
     * @param index           reactor number, for the thread name.
     * @param config          the proxy's configuration.
     * @param listener        its non-blocking listening socket: its own (SO_REUSEPORT), or one every reactor shares.
     * @param clientMode      how clients authenticate.
     * @param upstream        how Telegram is reached.
     * @param cloak           where clients that are not ours are fronted, or null when the mode never fronts.
     * @param connectionLimit the {@code --max-connections} permits, shared by every reactor of the proxy.
     * @param gate            access lists and the per-IP limit.
     * @param dialer          how Telegram is reached ({@code --socks5}), or null to dial it directly.
     * @throws IOException when the selector cannot be opened.
     */
    Reactor(
        final int index,
        final ProxyConfig config,
        final ServerSocketChannel listener,
        final ClientMode clientMode,
        final Upstream upstream,
        final Upstream cloak,
        final ConnectionLimit connectionLimit,
        final ClientGate gate,
        final Dialer dialer) throws IOException
    {
        this.index = index;
        this.dialer = dialer;
        this.admission = new Admission(this, connectionLimit, gate, new ProxyHeaders(config.proxyProtocol()),
            null != cloak);
        this.maxHandshakes = Math.max(1, (config.maxHandshakes() + config.workers() - 1) / config.workers());
        this.listener = listener;
        this.clientMode = clientMode;
        this.upstream = upstream;
        this.cloak = cloak;
        // Every buffer of this reactor comes from its share of --buffer-memory.
        this.readBufferBytes = config.capacity().readBufferBytes();
        this.writeBufferBytes = config.capacity().writeBufferBytes();
        final long share = config.capacity().bufferMemoryBytes() / config.workers();
        this.arena = new BufferArena(share, BufferArena.reserveFor(share, Math.max(Math.max(readBufferBytes,
            writeBufferBytes), upstream instanceof SharedUpstream ? ((SharedUpstream)upstream).largestBuffer() : 0)));
        this.transcoder = new CtrTranscoder(Math.max(readBufferBytes, writeBufferBytes));
        this.handshakeTimeoutNs = TimeUnit.MILLISECONDS.toNanos(config.handshakeTimeoutMs());
        this.dialTimeoutNs = TimeUnit.MILLISECONDS.toNanos(config.dialTimeoutMs());
        this.idleTimeoutNs = TimeUnit.MILLISECONDS.toNanos(config.idleTimeoutMs());
        this.stallTimeoutNs = TimeUnit.MILLISECONDS.toNanos(config.capacity().stallTimeoutMs());
        this.sizesRecords = config.tlsShape().sizesRecords();
        this.clientIpLogging = config.clientIpLogging();
        this.dormantAfterNs = Math.min(DORMANT_AFTER_NS, idleTimeoutNs / 4);
        this.latencies = config.stats().hasEndpoint() ? LatencyRecorders.create() : LatencyRecorders.disabled();
        this.nowNs = System.nanoTime();
        this.timers = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, nowNs, TICK_NS, TICKS_PER_WHEEL);
        this.selector = Selector.open();
        if (null != listener)
        {
            listenerKey = listener.register(selector, SelectionKey.OP_ACCEPT, LISTENER);
            accepting = true;
        }
        // Promoted-channel mode: clients join connections this reactor keeps to the shared upstream.
        this.links = upstream instanceof SharedUpstream ? ((SharedUpstream)upstream).forReactor(this) : null;
    }

    /**
     * @return the thread name this reactor should run under.
     */
    public String threadName()
    {
        return "mtg-reactor-" + index;
    }

    @Override
    public void run()
    {
        try
        {
            while (running)
            {
                doWork();
            }
        }
        finally
        {
            onClose();
        }
    }

    /**
     * One cycle: cache the time, drain a few commands, select until the next timer tick, expire timers.
     *
     * @return work done, 0 when idle.
     */
    public int doWork()
    {
        nowNs = System.nanoTime();
        if (null != links && !linksStarted)
        {
            linksStarted = true;
            links.start();
        }
        int work = drainCommands();
        if (0 != acceptPausedUntilNs && nowNs - acceptPausedUntilNs >= 0)
        {
            acceptPausedUntilNs = 0;
            if (accepting)
            {
                listenerKey.interestOps(SelectionKey.OP_ACCEPT);
            }
        }
        // Waiters granted a buffer and tasks queued too late for the last cycle go on now, not after a blocking select.
        final boolean queued = !granted.isEmpty() || !afterEvents.isEmpty();
        final long timeoutMs = 0 != work || queued ? 0 : timers.timerCount() > 0 ?
            TimeUnit.NANOSECONDS.toMillis(TICK_NS) : IDLE_SELECT_MS;
        work += select(timeoutMs);
        nowNs = System.nanoTime();
        work += timers.poll(nowNs, timerHandler, Integer.MAX_VALUE);
        work += drainQueued(granted, resumeWaiter);
        work += drainQueued(afterEvents, runTask);
        return work;
    }

    @Override
    public void afterEvents(final Runnable task)
    {
        afterEvents.addLast(task);
    }

    /**
     * A waiter was handed a buffer by the arena (from inside someone else's release): let it go on now, outside
     * that call.
     */
    @Override
    public void onGranted(final BufferWaiter waiter)
    {
        granted.addLast(waiter);
    }

    /**
     * Take each item queued so far through {@code action}; those queued while doing so wait for the next cycle,
     * which then does not block in select. A throw closes a pipe's session, or is logged.
     *
     * @return items taken plus those left for the next cycle.
     */
    private <T> int drainQueued(final java.util.ArrayDeque<T> queue, final Consumer<T> action)
    {
        int ran = 0;
        for (int n = queue.size(); n > 0; n--)
        {
            final T item = queue.pollFirst();
            ran++;
            try
            {
                action.accept(item);
            }
            catch (final Error ex)
            {
                throw ex;
            }
            catch (final Throwable ex)
            {
                if (item instanceof Pipe)
                {
                    onCrash(((Pipe)item).session(), ex);
                }
                else
                {
                    LOG.log(System.Logger.Level.ERROR, "resuming after the cycle's events crashed", ex);
                }
            }
        }
        return ran + queue.size();
    }

    private int drainCommands()
    {
        wakeupPending.set(false);
        return commands.drain(Runnable::run, COMMAND_DRAIN_LIMIT);
    }

    private int select(final long timeoutMs)
    {
        try
        {
            final long beforeNs = nowNs;
            final int selected = 0 == timeoutMs ?
                selector.selectNow(keyHandler) : selector.select(keyHandler, timeoutMs);
            if (0 == selected && timeoutMs > 0 && !wakeupPending.get() &&
                System.nanoTime() - beforeNs < TimeUnit.MILLISECONDS.toNanos(timeoutMs) / 2)
            {
                if (++prematureSelects >= SPIN_REBUILD_THRESHOLD)
                {
                    rebuildSelector();
                }
            }
            else
            {
                prematureSelects = 0;
            }
            return selected;
        }
        catch (final IOException ex)
        {
            LOG.log(System.Logger.Level.WARNING, "select failed, rebuilding selector reactor={0} error={1}",
                index, ex.toString());
            rebuildSelector();
            return 0;
        }
    }

    /**
     * Move every registration to a fresh selector (Netty's epoll spin work-around).
     */
    private void rebuildSelector()
    {
        prematureSelects = 0;
        final Selector fresh;
        try
        {
            fresh = Selector.open();
        }
        catch (final IOException ex)
        {
            LOG.log(System.Logger.Level.ERROR, "cannot open a selector reactor={0} error={1}", index, ex.toString());
            return;
        }
        for (final SelectionKey key : selector.keys())
        {
            final Object attachment = key.attachment();
            try
            {
                if (!key.isValid())
                {
                    continue;
                }
                final int ops = key.interestOps();
                key.cancel();
                final SelectionKey newKey = key.channel().register(fresh, ops, attachment);
                if (LISTENER == attachment)
                {
                    listenerKey = newKey;
                }
                else if (attachment instanceof ChannelHandler)
                {
                    ((ChannelHandler)attachment).rekey(newKey);
                }
                else
                {
                    ((Side)attachment).key = newKey;
                }
            }
            catch (final CancelledKeyException | ClosedChannelException ex)
            {
                if (attachment instanceof Side)
                {
                    ((Side)attachment).session.close(CloseReason.IO_ERROR);
                }
            }
        }
        try
        {
            selector.close();
        }
        catch (final IOException ignore)
        {
            // the old selector is being dropped anyway
        }
        selector = fresh;
        counters.onSelectorRebuilt();
        LOG.log(System.Logger.Level.WARNING, "selector rebuilt reactor={0}", index);
    }

    private void onKey(final SelectionKey key)
    {
        final Object attachment = key.attachment();
        if (LISTENER == attachment)
        {
            onAcceptable();
            return;
        }
        if (attachment instanceof ChannelHandler)
        {
            onHandlerKey(key, (ChannelHandler)attachment);
            return;
        }
        final Side side = (Side)attachment;
        try
        {
            if (!key.isValid())
            {
                side.session.close(CloseReason.IO_ERROR);
                return;
            }
            side.session.onSelected(side, key.readyOps());
        }
        catch (final CancelledKeyException | IOException ex)
        {
            side.session.close(CloseReason.IO_ERROR);
        }
        catch (final Error ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            onCrash(side.session, ex);
        }
    }

    private void onHandlerKey(final SelectionKey key, final ChannelHandler handler)
    {
        try
        {
            if (!key.isValid())
            {
                handler.onFailed("key cancelled");
                return;
            }
            handler.onSelected(key.readyOps());
        }
        catch (final CancelledKeyException | IOException ex)
        {
            handler.onFailed(ex.toString());
        }
        catch (final Error ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            LOG.log(System.Logger.Level.ERROR, "connection handler crashed, closing it", ex);
            handler.onFailed("crash");
        }
    }

    private void onCrash(final Session session, final Throwable ex)
    {
        final StackTraceElement[] trace = ex.getStackTrace();
        final String site = ex.getClass().getName() + "@" + (trace.length > 0 ? trace[0] : "?");
        if (crashSites.size() < MAX_DISTINCT_CRASH_SITES && crashSites.add(site))
        {
            LOG.log(System.Logger.Level.ERROR, "handler crashed, closing its connection; repeats are only counted",
                ex);
        }
        try
        {
            session.close(CloseReason.CRASH);
        }
        catch (final RuntimeException closeEx)
        {
            LOG.log(System.Logger.Level.ERROR, "closing a crashed session failed", closeEx);
        }
    }

    private void onAcceptable()
    {
        for (int i = 0; i < ACCEPT_ROUNDS && accepting; i++)
        {
            final SocketChannel channel;
            try
            {
                channel = listener.accept();
            }
            catch (final ClosedChannelException ex)
            {
                // the group closed the listener (a graceful stop) before this reactor dropped it
                onStopAccepting();
                return;
            }
            catch (final IOException ex)
            {
                // Typically out of file descriptors: stop accepting for a moment instead of spinning on it.
                LOG.log(System.Logger.Level.WARNING, "accept failed, pausing accepts reactor={0} error={1}",
                    index, ex.toString());
                listenerKey.interestOps(0);
                acceptPausedUntilNs = nowNs + ACCEPT_PAUSE_NS;
                if (0 == acceptPausedUntilNs)
                {
                    acceptPausedUntilNs = 1;
                }
                return;
            }
            if (null == channel)
            {
                return;
            }
            admission.onAccepted(channel);
        }
    }

    /**
     * @return who may connect: sessions reach it for the PROXY protocol's second step.
     */
    Admission admission()
    {
        return admission;
    }

    /**
     * Take ownership of a freshly accepted client socket, holding one connection permit that
     * {@link #onSessionClosed} gives back.
     *
     * @param channel   the client socket.
     * @param countedIp the address the client gate counted it against, or null.
     */
    Session adopt(final SocketChannel channel, final java.net.InetAddress countedIp)
    {
        try
        {
            final Session session = new Session(this, channel, nowNs, admission.proxyHeaders().isEnabled());
            session.countedAs(countedIp);
            sessions.add(session);
            counters.onAccepted(session.ipFamily());
            return session;
        }
        catch (final IOException ex)
        {
            admission.onClosed(countedIp);
            closeQuietly(channel);
            return null;
        }
    }

    /**
     * A new client is handshaking: past this reactor's share of {@code --max-handshakes}, drop the oldest one still
     * handshaking, so a flood of connections that never authenticate cannot crowd out clients that do at once.
     */
    void onHandshakeStarted(final Session session)
    {
        while (!handshaking.isEmpty() && !handshaking.peekFirst().isHandshaking())
        {
            handshaking.pollFirst(); // already past its handshake
        }
        handshaking.addLast(session);
        handshakingCount++;
        while (handshakingCount > maxHandshakes && !handshaking.isEmpty())
        {
            final Session oldest = handshaking.pollFirst();
            if (oldest.isHandshaking())
            {
                counters.onRejected(RejectReason.HANDSHAKE_LIMIT);
                oldest.close(CloseReason.HANDSHAKE_TIMEOUT);
            }
        }
    }

    void onHandshakeEnded()
    {
        handshakingCount--;
    }

    static void closeQuietly(final SocketChannel channel)
    {
        try
        {
            channel.close();
        }
        catch (final IOException ignore)
        {
            // already failing
        }
    }

    private boolean onTimerExpiry(final TimeUnit timeUnit, final long now, final long timerId)
    {
        final Runnable task = tasksByTimer.remove(timerId);
        if (null != task)
        {
            try
            {
                task.run();
            }
            catch (final Error ex)
            {
                throw ex;
            }
            catch (final Throwable ex)
            {
                LOG.log(System.Logger.Level.ERROR, "timer task crashed", ex);
            }
            return true;
        }
        final Session session = sessionsByTimer.remove(timerId);
        if (null != session)
        {
            try
            {
                session.onTimeout(now);
            }
            catch (final Error ex)
            {
                throw ex;
            }
            catch (final Throwable ex)
            {
                onCrash(session, ex);
            }
        }
        return true;
    }

    long scheduleTimer(final Session session, final long deadlineNs)
    {
        final long id = timers.scheduleTimer(deadlineNs);
        sessionsByTimer.put(id, session);
        return id;
    }

    @Override
    public long schedule(final Runnable task, final long deadlineNs)
    {
        final long id = timers.scheduleTimer(deadlineNs);
        tasksByTimer.put(id, task);
        return id;
    }

    @Override
    public void cancelTimer(final long timerId)
    {
        timers.cancelTimer(timerId);
        sessionsByTimer.remove(timerId);
        tasksByTimer.remove(timerId);
    }

    @Override
    public SelectionKey register(final SelectableChannel channel, final int ops, final ChannelHandler handler)
        throws ClosedChannelException
    {
        return channel.register(selector, ops, handler);
    }

    /**
     * @return this reactor's connections to a shared upstream, or null when clients dial their own.
     */
    SharedLinks links()
    {
        return links;
    }

    @Override
    public BufferArena arena()
    {
        return arena;
    }

    SelectionKey register(final SelectableChannel channel, final int ops, final Side side)
        throws ClosedChannelException
    {
        return channel.register(selector, ops, side);
    }

    void onSessionClosed(final Session session, final CloseReason reason)
    {
        if (sessions.remove(session))
        {
            admission.onClosed(session.countedIp());
        }
        counters.onClosed(reason, session.ipFamily());
    }

    /**
     * Run a command on this reactor's thread (the only way other threads reach it).
     *
     * @param command a command; must not block.
     * @return false when the queue is full.
     */
    public boolean offer(final Runnable command)
    {
        final boolean offered = commands.offer(command);
        wakeup();
        return offered;
    }

    /**
     * Close the sessions whose named user may no longer connect; on this reactor's thread (send it with
     * {@link #offer(Runnable)}).
     *
     * @param revoked which accounts' clients to close.
     */
    void closeClientsOf(final Predicate<ClientAccount> revoked)
    {
        List<Session> closing = null;
        for (final Session session : sessions)
        {
            final ClientAccount account = session.account();
            if (null != account && revoked.test(account))
            {
                if (null == closing)
                {
                    closing = new ArrayList<>();
                }
                closing.add(session);
            }
        }
        if (null != closing)
        {
            for (final Session session : closing)
            {
                session.close(CloseReason.REVOKED);
            }
        }
    }

    /**
     * Stop accepting clients, on this reactor's thread (send it with {@link #offer(Runnable)}): the listener's key is
     * cancelled, so this selector lets go of the listening socket at its next select. Open sessions carry on.
     *
     * @param takeBacklog   accept the clients already queued first, who would be reset when the socket closes.
     * @param closeListener close the listener at once (it is this reactor's own), leaving the least time for a new
     *                      client to be queued behind the last accept.
     */
    public void onStopAccepting(final boolean takeBacklog, final boolean closeListener)
    {
        for (int i = 0; takeBacklog && accepting && i < BACKLOG_ROUNDS && null != listenerKey; i++)
        {
            onAcceptable();
        }
        onStopAccepting();
        if (closeListener && null != listener)
        {
            try
            {
                listener.close();
            }
            catch (final IOException ex)
            {
                LOG.log(System.Logger.Level.DEBUG, "closing listener reactor={0} error={1}", index, ex.toString());
            }
        }
    }

    /**
     * Stop accepting clients, on this reactor's thread: see {@link #onStopAccepting(boolean, boolean)}; also when
     * the listener turns out to be closed already.
     */
    void onStopAccepting()
    {
        accepting = false;
        acceptPausedUntilNs = 0;
        if (null != listenerKey)
        {
            listenerKey.cancel();
            listenerKey = null;
        }
    }

    /**
     * Ask the loop to end; it closes every session on its way out.
     */
    public void stop()
    {
        running = false;
        selector.wakeup();
    }

    private void wakeup()
    {
        if (!wakeupPending.getAndSet(true))
        {
            selector.wakeup();
        }
    }

    /**
     * Close every session, the selector and drop the pools. Called on the reactor thread when the loop ends.
     */
    public void onClose()
    {
        if (null != links)
        {
            links.closeAll();
        }
        final List<Session> open = new ArrayList<>(sessions);
        for (final Session session : open)
        {
            session.close(CloseReason.SHUTDOWN);
        }
        try
        {
            selector.close();
        }
        catch (final IOException ignore)
        {
            // shutting down
        }
    }

    @Override
    public int index()
    {
        return index;
    }

    @Override
    public long nowNs()
    {
        return nowNs;
    }

    long handshakeTimeoutNs()
    {
        return handshakeTimeoutNs;
    }

    @Override
    public long dialTimeoutNs()
    {
        return dialTimeoutNs;
    }

    long idleTimeoutNs()
    {
        return idleTimeoutNs;
    }

    /**
     * @param client a client's address.
     * @return it as logs may show it ({@code --log-client-ip}).
     */
    String logged(final InetSocketAddress client)
    {
        return clientIpLogging.format(client);
    }

    long stallTimeoutNs()
    {
        return stallTimeoutNs;
    }

    /**
     * @return whether the first records to a FakeTLS client are small ({@link io.mtgj.faketls.RecordSizing}).
     */
    boolean sizesRecords()
    {
        return sizesRecords;
    }

    /**
     * @return how long a relay stays silent before its ciphers sleep: 5 s, or a quarter of the idle timeout when
     *         that is shorter.
     */
    long dormantAfterNs()
    {
        return dormantAfterNs;
    }

    int readBufferBytes()
    {
        return readBufferBytes;
    }

    int writeBufferBytes()
    {
        return writeBufferBytes;
    }

    CtrTranscoder transcoder()
    {
        return transcoder;
    }

    /**
     * @return {@code array} seen through this reactor's one reusable view, valid until the next call.
     */
    UnsafeBuffer heapView(final byte[] array)
    {
        heapView.wrap(array);
        return heapView;
    }

    ByteBuffer[] gatherArray()
    {
        return gather;
    }

    ClientMode clientMode()
    {
        return clientMode;
    }

    @Override
    public Dialer dialer()
    {
        return dialer;
    }

    Upstream upstream()
    {
        return upstream;
    }

    Upstream cloak()
    {
        return cloak;
    }

    /**
     * @return this reactor's counters, readable from any thread.
     */
    @Override
    public ReactorCounters counters()
    {
        return counters;
    }

    /**
     * @return this reactor's latency recorders (written by its thread only), for the metrics collector.
     */
    public LatencyRecorders latencies()
    {
        return latencies;
    }

    /**
     * @return buffers leased from this reactor's arena; readable from any thread.
     */
    public int buffersInUse()
    {
        return (int)arena.leasedBuffers();
    }

    /**
     * @return this reactor's share of {@code --buffer-memory}, bytes.
     */
    public long bufferMemoryBytes()
    {
        return arena.budgetBytes();
    }

    /**
     * @return bytes leased from this reactor's arena now; readable from any thread.
     */
    public long bufferLeasedBytes()
    {
        return arena.leasedBytes();
    }

    /**
     * @return connections of this reactor waiting for a buffer now; readable from any thread.
     */
    public long bufferWaiting()
    {
        return arena.waiting();
    }

    /**
     * @return times a connection of this reactor had to wait for a buffer; readable from any thread.
     */
    public long bufferWaits()
    {
        return arena.waits();
    }

    /**
     * @return connections open on this reactor to a shared upstream (middle proxies); readable from any thread.
     */
    public int sharedConnections()
    {
        return null == links ? 0 : links.connectionCount();
    }
}
