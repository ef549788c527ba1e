package io.mtgj.net;

import io.mtgj.stats.DcLabel;
import io.mtgj.stats.Direction;
import io.mtgj.stats.IpFamily;
import io.mtgj.stats.Latency;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One client connection and its upstream, owned by one reactor: a small state machine over two {@link Side}s and
 * two {@link Pipe}s. Only {@link #enter(Phase)} changes the phase; {@link #close(CloseReason)} is idempotent.
 */
final class Session implements LinkedClient
{
    private static final System.Logger LOG = System.getLogger("io.mtgj.session");
    /** Read rounds per readiness event, so one busy connection cannot starve the others (Netty uses 16). */
    private static final int MAX_READ_ROUNDS = 16;
    /** Longest a client may stay silent after its handshake before it is counted as such. */
    private static final long SILENT_AFTER_MAX_NS = TimeUnit.SECONDS.toNanos(5);
    private static final int NO_DC = -1;
    /**
     * The kernel's send buffer towards a client, fixed rather than autotuned: a client that reads slowly while
     * Telegram pushes would otherwise have Linux queue up to {@code tcp_wmem}'s maximum (4 MB) for it, and a few
     * hundred such clients put the whole host under TCP memory pressure, which stalls every other connection (seen
     * with 500 clients reading 1 KB/s). The kernel doubles it: 512 KB in flight, 5 MB/s at 100 ms of round trip.
     */
    static final int CLIENT_SEND_BUFFER_BYTES = 256 * 1024;

    enum Phase
    {
        HANDSHAKE,
        CONNECTING,
        RELAY,
        CLOSED
    }

    private final Reactor reactor;
    private final Side client;
    private final Side upstream;
    private final Pipe toUpstream;
    private final Pipe toClient;
    private final long openedNs;
    /** The client: the connection's peer, or the one its PROXY protocol header names once read. */
    private InetSocketAddress remote;
    private IpFamily ipFamily;
    /** {@code --proxy-protocol}: the load balancer's header, read before the handshake; null without. */
    private final ProxyHeaderPhase proxyHeader;
    /** The address the client gate counts this connection against, or null when it counts none. */
    private InetAddress countedIp;
    private Phase phase;
    private long timerId = Reactor.NO_TIMER;
    private long lastActivityNs;
    private List<InetSocketAddress> addresses;
    private int addressIndex;
    private short dcIndex;
    private boolean recordsStarted;
    /** FakeTLS: checks the frame inside the client's records, bound to the secret its hello proved. */
    private HandshakeStep frameStep;
    /** With named users: whose secret the client proved, once admitted; null otherwise. */
    private ClientAccount account;
    /** With {@code --socks5}: dials to Telegram go through the SOCKS5 servers; null for direct ones and the cloak. */
    private TunnelDial tunnel;
    /** With a shared upstream: the client's place on one of its connections. */
    private UpstreamLink link;
    private boolean cloaked;
    private HandshakeFailure failure;
    private int telegramDc = NO_DC;
    /** Start of the latency being measured: accept, then dial start (= handshake accepted), then connected. */
    private long markNs;
    /** When the handshake was accepted, on the latency clock, for the handshake-to-first-byte latency. */
    private long handshakeNs;
    private boolean awaitingFirstByte;
    /**
     * When to look whether a client that completed its handshake has moved a byte either way since (0: no look
     * pending), and how many it had sent by then: silence is what a network dropping the flow after its handshake
     * leaves behind.
     */
    private long silentCheckNs;
    private long clientBytesAtHandshake;

    /**
     * @param proxied whether the connection comes from a load balancer and starts with a PROXY protocol header.
     */
    Session(final Reactor reactor, final SocketChannel clientChannel, final long nowNs, final boolean proxied)
        throws IOException
    {
        this.reactor = reactor;
        this.client = new Side(this, true);
        this.upstream = new Side(this, false);
        // upstream bytes count as the cloak host's until the handshake is accepted and Telegram is dialed
        this.toUpstream = new Pipe(reactor, client, upstream, reactor.writeBufferBytes(),
            ReactorCounters.clientBytesCounter(Direction.INGRESS), ReactorCounters.cloakBytesCounter(Direction.EGRESS));
        this.toClient = new Pipe(reactor, upstream, client, reactor.readBufferBytes(),
            ReactorCounters.cloakBytesCounter(Direction.INGRESS), ReactorCounters.clientBytesCounter(Direction.EGRESS));
        // Handshakes (and cloaking, should it come to that) may use the arena's reserve; relays to Telegram do not.
        toUpstream.priority(true);
        toClient.priority(true);
        // the reactor's cached time was read before select blocked: up to a second early for a duration
        this.openedNs = System.nanoTime();
        this.lastActivityNs = nowNs;
        this.markNs = reactor.latencies().nowNs();
        final java.net.SocketAddress peer = clientChannel.getRemoteAddress();
        this.remote = peer instanceof InetSocketAddress ? (InetSocketAddress)peer : null;
        this.ipFamily = null == remote ? IpFamily.IPV4 : IpFamily.of(remote.getAddress());
        this.proxyHeader = proxied ? new ProxyHeaderPhase(this, reactor, toUpstream) : null;
        client.channel = clientChannel;
        clientChannel.configureBlocking(false);
        // No SO_KEEPALIVE, here or upstream: the idle timeout ends a silent connection long before the kernel's
        // first probe (two hours by default), and each option set is a system call per connection.
        clientChannel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        clientChannel.setOption(StandardSocketOptions.SO_SNDBUF, CLIENT_SEND_BUFFER_BYTES);
        client.key = reactor.register(clientChannel, SelectionKey.OP_READ, client);
        client.interestOps = SelectionKey.OP_READ;
        if (!proxied && LOG.isLoggable(System.Logger.Level.DEBUG))
        {
            LOG.log(System.Logger.Level.DEBUG, "client opened client={0} reactor={1}", clientText(), reactor.index());
        }
        enter(Phase.HANDSHAKE);
        if (proxied)
        {
            schedule(proxyHeader.deadlineNs(nowNs));
        }
    }

    IpFamily ipFamily()
    {
        return ipFamily;
    }

    Phase phase()
    {
        return phase;
    }

    boolean isHandshaking()
    {
        return Phase.HANDSHAKE == phase;
    }

    /**
     * @return the client's address: behind a PROXY protocol load balancer, the one its header named.
     */
    InetAddress remoteIp()
    {
        return null == remote ? null : remote.getAddress();
    }

    /**
     * @param ip the address the client gate counted this connection against, for {@link Reactor#onSessionClosed}.
     */
    void countedAs(final InetAddress ip)
    {
        countedIp = ip;
    }

    /**
     * @return the address the client gate counts this connection against, or null.
     */
    InetAddress countedIp()
    {
        return countedIp;
    }

    /**
     * {@code --proxy-protocol}: the load balancer's header named the client, who is the client everywhere from now.
     *
     * @return the connection's own peer it replaces, for the log.
     */
    InetSocketAddress onClientNamed(final InetSocketAddress named)
    {
        final InetSocketAddress peer = remote;
        remote = named;
        final IpFamily family = IpFamily.of(named.getAddress());
        if (family != ipFamily)
        {
            reactor.counters().onFamilyChanged(ipFamily, family);
            ipFamily = family;
        }
        return peer;
    }

    private void enter(final Phase next)
    {
        if (Phase.HANDSHAKE == next)
        {
            reactor.onHandshakeStarted(this);
        }
        else if (Phase.HANDSHAKE == phase)
        {
            reactor.onHandshakeEnded();
        }
        phase = next;
        final long nowNs = reactor.nowNs();
        switch (next)
        {
            case HANDSHAKE:
                schedule(nowNs + reactor.handshakeTimeoutNs());
                break;
            case CONNECTING:
                schedule(nowNs + reactor.dialTimeoutNs());
                break;
            case RELAY:
                lastActivityNs = nowNs;
                final long firstNs = nowNs + Math.min(reactor.dormantAfterNs(), reactor.stallTimeoutNs());
                schedule(0 != silentCheckNs && silentCheckNs - firstNs < 0 ? silentCheckNs : firstNs);
                break;
            default:
                cancelTimer();
                break;
        }
        if (LOG.isLoggable(System.Logger.Level.TRACE))
        {
            LOG.log(System.Logger.Level.TRACE, "phase client={0} phase={1}", clientText(), next);
        }
    }

    private void schedule(final long deadlineNs)
    {
        cancelTimer();
        timerId = reactor.scheduleTimer(this, deadlineNs);
    }

    private void cancelTimer()
    {
        if (Reactor.NO_TIMER != timerId)
        {
            reactor.cancelTimer(timerId);
            timerId = Reactor.NO_TIMER;
        }
    }

    /**
     * Readiness on one side. Order as Netty's: finish connect, then write (frees room), then read.
     */
    void onSelected(final Side side, final int readyOps) throws IOException
    {
        if ((readyOps & SelectionKey.OP_CONNECT) != 0)
        {
            onConnectable();
        }
        else if (!side.isClient && null != tunnel && tunnel.isNegotiating() && Phase.CONNECTING == phase)
        {
            onTunnelEvent(tunnel.onSelected(upstream.channel, readyOps));
            return;
        }
        try
        {
            if ((readyOps & SelectionKey.OP_WRITE) != 0 && Phase.CLOSED != phase)
            {
                onWritable(side);
            }
            if (((readyOps & SelectionKey.OP_READ) != 0 || 0 == readyOps) && Phase.CLOSED != phase)
            {
                onReadable(side);
            }
        }
        catch (final IOException ex)
        {
            if (LOG.isLoggable(System.Logger.Level.TRACE))
            {
                LOG.log(System.Logger.Level.TRACE, "io error client={0} error={1}", clientText(), ex.toString());
            }
            close(isLoadBalancerCheck() ? CloseReason.HEALTH_CHECK : CloseReason.IO_ERROR);
            return;
        }
        afterEvent();
    }

    /**
     * @return whether this is a load balancer's connection that has sent nothing but, at most, its header: ending
     *         now, it was a health check (HAProxy's end with a reset, its v1 ones right after the header).
     */
    boolean isLoadBalancerCheck()
    {
        return null != proxyHeader && Phase.HANDSHAKE == phase && !recordsStarted && 0 == toUpstream.end();
    }

    private void afterEvent()
    {
        if (Phase.CLOSED == phase)
        {
            return;
        }
        if (toUpstream.isDone() && toClient.isDone())
        {
            close(CloseReason.DONE);
            return;
        }
        toUpstream.releaseIfEmpty();
        toClient.releaseIfEmpty();
        updateInterest();
    }

    private void updateInterest()
    {
        int clientOps = toClient.wantsWrite() ? SelectionKey.OP_WRITE : 0;
        if ((Phase.HANDSHAKE == phase && !toUpstream.isWaitingForBuffer()) || toUpstream.wantsRead())
        {
            clientOps |= SelectionKey.OP_READ;
        }
        client.interest(clientOps);
        if (Phase.CONNECTING == phase)
        {
            upstream.interest(null == tunnel ? SelectionKey.OP_CONNECT : tunnel.interestOps());
        }
        else if (Phase.RELAY == phase)
        {
            int upstreamOps = toUpstream.wantsWrite() ? SelectionKey.OP_WRITE : 0;
            if (toClient.wantsRead())
            {
                upstreamOps |= SelectionKey.OP_READ;
            }
            upstream.interest(upstreamOps);
        }
    }

    private void onWritable(final Side side) throws IOException
    {
        lastActivityNs = reactor.nowNs();
        if (side.isClient)
        {
            toClient.flush();
            if (null != link)
            {
                link.pumpToClient();
            }
        }
        else
        {
            toUpstream.flush();
        }
    }

    private void onReadable(final Side side) throws IOException
    {
        if (side.isClient)
        {
            if (Phase.HANDSHAKE == phase)
            {
                onHandshakeReadable();
            }
            else
            {
                pump(toUpstream);
            }
        }
        else if (Phase.RELAY == phase)
        {
            pump(toClient);
        }
    }

    private void pump(final Pipe pipe) throws IOException
    {
        for (int i = 0; i < MAX_READ_ROUNDS; i++)
        {
            final int n = pipe.read();
            if (n > 0)
            {
                lastActivityNs = reactor.nowNs();
                if (awaitingFirstByte && pipe == toClient)
                {
                    awaitingFirstByte = false;
                    final long nowNs = reactor.latencies().nowNs();
                    reactor.latencies().record(Latency.TELEGRAM_FIRST_BYTE, nowNs - markNs);
                    reactor.latencies().record(Latency.HANDSHAKE_TO_FIRST_BYTE, nowNs - handshakeNs);
                }
                if (null != link)
                {
                    forwardToLink();
                    if (Phase.CLOSED == phase || link.isWaitingForRoom())
                    {
                        return;
                    }
                }
                else
                {
                    pipe.flush();
                }
            }
            else
            {
                if (Pipe.NO_BUFFER == n)
                {
                    return; // reads stay off until the arena grants one (onBufferGranted)
                }
                if (Pipe.BROKEN == n)
                {
                    close(CloseReason.BAD_HANDSHAKE);
                }
                else if (n < 0 && null != link)
                {
                    close(CloseReason.DONE); // the client left; close() detaches its link
                }
                else if (n < 0)
                {
                    pipe.flush();
                }
                return;
            }
        }
    }

    /**
     * The arena granted a pipe the buffer it waited for: read what waited (or, for a promoted-channel client, move
     * its queued answers), as a readiness event would have.
     */
    void onBufferGranted(final Pipe pipe)
    {
        if (Phase.CLOSED == phase)
        {
            pipe.releaseAll();
            return;
        }
        try
        {
            if (pipe == toUpstream)
            {
                onReadable(client);
            }
            else if (null != link)
            {
                link.pumpToClient();
            }
            else
            {
                onReadable(upstream);
            }
        }
        catch (final IOException ex)
        {
            close(CloseReason.IO_ERROR);
            return;
        }
        afterEvent();
    }

    private void onHandshakeReadable() throws IOException
    {
        final int n = toUpstream.read();
        if (0 == n || Pipe.NO_BUFFER == n)
        {
            return;
        }
        if (null != proxyHeader && proxyHeader.isAwaiting())
        {
            if (proxyHeader.onRead(n))
            {
                schedule(reactor.nowNs() + reactor.handshakeTimeoutNs()); // the handshake's own time starts now
                if (toUpstream.end() > 0)
                {
                    examineHandshake();
                }
            }
            return;
        }
        if (n < 0 && isLoadBalancerCheck())
        {
            // a header and nothing after it: a load balancer's health check, or a client that left at once
            close(CloseReason.HEALTH_CHECK);
            return;
        }
        if (n < 0)
        {
            fail(Pipe.BROKEN == n ? HandshakeFailure.MALFORMED : HandshakeFailure.INCOMPLETE);
            return;
        }
        examineHandshake();
    }

    /**
     * Close with a reset rather than a FIN, as refusals at accept do.
     */
    void reset(final CloseReason reason)
    {
        try
        {
            client.channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        }
        catch (final IOException ignore)
        {
            // closed anyway, with a FIN instead of a reset
        }
        close(reason);
    }

    /**
     * Ask the client mode about what arrived and act on its answer; loops when a reply leaves a frame to examine.
     */
    private void examineHandshake() throws IOException
    {
        final PooledBuffer buffer = toUpstream.buffer();
        final HandshakeResult result = recordsStarted ?
            frameStep.onFrame(buffer.buffer(), toUpstream.start(), toUpstream.payloadEnd() - toUpstream.start()) :
            reactor.clientMode().onFirstBytes(buffer.buffer(), toUpstream.end(), remoteIp());
        if (LOG.isLoggable(System.Logger.Level.TRACE))
        {
            LOG.log(System.Logger.Level.TRACE, "handshake client={0} result={1} failure={2} dc={3}", clientText(),
                lower(result.kind()), lower(result.failure()), result.dcIndex());
        }
        if (HandshakeResult.NO_CLOCK_SKEW != result.clockSkewSeconds())
        {
            reactor.latencies().recordClockSkew(HandshakeResult.Kind.REPLY == result.kind(), result.clockSkewSeconds());
        }
        switch (result.kind())
        {
            case NEED_MORE:
                if (toUpstream.isFull())
                {
                    fail(HandshakeFailure.MALFORMED); // larger than any handshake of ours
                }
                break;
            case REJECTED:
                countFailure(result.failure());
                if (null == result.resetReason())
                {
                    close(CloseReason.BAD_HANDSHAKE);
                }
                else
                {
                    reactor.counters().onRejected(result.resetReason());
                    reset(CloseReason.BAD_HANDSHAKE);
                }
                break;
            case CLOAK:
                startCloak(result.failure(), result.cloakTarget());
                break;
            case REPLY:
                onReply(result);
                break;
            default:
                onAccepted(result);
                break;
        }
    }

    /**
     * FakeTLS: the hello was ours. Answer it, then read the client's records for the obfuscated2 frame.
     */
    private void onReply(final HandshakeResult result) throws IOException
    {
        recordsStarted = true;
        frameStep = result.next();
        toClient.header(result.reply());
        toClient.sinkReady();
        toClient.startFramingRecords(reactor.sizesRecords());
        toClient.flush();
        if (!toUpstream.startUnwrapping(result.consumed()))
        {
            countFailure(HandshakeFailure.MALFORMED);
            close(CloseReason.BAD_HANDSHAKE);
            return;
        }
        if (toUpstream.payloadEnd() > toUpstream.start())
        {
            examineHandshake();
        }
    }

    private void onAccepted(final HandshakeResult result) throws IOException
    {
        if (null != result.account() && !admit(result.account()))
        {
            return;
        }
        if (null != reactor.links())
        {
            onAcceptedForSharedUpstream(result);
            return;
        }
        final UpstreamPlan plan = reactor.upstream().plan(result);
        if (null == plan || plan.addresses().isEmpty())
        {
            close(CloseReason.DIAL_FAILED);
            return;
        }
        dcIndex = result.dcIndex();
        reactor.counters().onHandshake();
        toUpstream.priority(false);
        toClient.priority(false);
        final long nowNs = reactor.latencies().nowNs();
        reactor.latencies().record(Latency.CLIENT_HANDSHAKE, nowNs - markNs);
        markNs = nowNs;
        handshakeNs = nowNs;
        final int dc = DcLabel.index(dcIndex);
        toUpstream.countSinkBytesIn(ReactorCounters.telegramBytesCounter(dc, Direction.EGRESS));
        toClient.countSourceBytesIn(ReactorCounters.telegramBytesCounter(dc, Direction.INGRESS));
        toUpstream.startRelay(toUpstream.start() + result.consumed(), result.decryptor(), plan.encryptor());
        toUpstream.header(plan.prologue());
        // A plan without a decryptor hands the client bytes already under its stream (or plain ones).
        toClient.startRelay(0, plan.decryptor(), null == plan.decryptor() ? null : result.encryptor());
        connect(plan);
    }

    /**
     * Named users: the account's limits (connections, quota, expiry) decide whether this client may go on; from here
     * its traffic counts towards the account.
     *
     * @return whether admitted; when not, the session is closed.
     */
    private boolean admit(final ClientAccount proven)
    {
        final RejectReason refused = proven.admit();
        if (null != refused)
        {
            reactor.counters().onRejected(refused);
            if (LOG.isLoggable(System.Logger.Level.DEBUG))
            {
                LOG.log(System.Logger.Level.DEBUG, "client refused client={0} user={1} reason={2}", clientText(),
                    proven, lower(refused));
            }
            close(CloseReason.REFUSED);
            return false;
        }
        account = proven;
        proven.addIngress(toUpstream.bytes()); // the handshake, and what came with it, is the user's traffic too
        toUpstream.countFor(proven);
        toClient.countFor(proven);
        return true;
    }

    /**
     * @return whose secret the client proved, once admitted; null with one secret or before the handshake.
     */
    ClientAccount account()
    {
        return account;
    }

    /**
     * With a shared upstream (promoted-channel mode): join one of its connections instead of dialing; packets go out
     * through the link, and answers come back through {@link #deliver()}.
     */
    private void onAcceptedForSharedUpstream(final HandshakeResult result) throws IOException
    {
        dcIndex = result.dcIndex();
        link = reactor.links().join(this, result, remote, (InetSocketAddress)client.channel.getLocalAddress());
        if (null == link)
        {
            close(CloseReason.DIAL_FAILED);
            return;
        }
        reactor.counters().onHandshake();
        armSilentCheck();
        toUpstream.priority(false);
        toClient.priority(false);
        toUpstream.startRelay(toUpstream.start() + result.consumed(), result.decryptor(), null);
        toClient.startRelay(0, null, result.encryptor());
        toClient.sinkReady();
        enter(Phase.RELAY);
        forwardToLink();
    }

    private void forwardToLink()
    {
        final CloseReason failure = link.forward();
        if (CloseReason.BAD_HANDSHAKE == failure)
        {
            reactor.counters().onHandshakeFailure(HandshakeFailure.MALFORMED);
        }
        if (null != failure)
        {
            close(failure);
        }
    }

    @Override
    public RelayPipe fromClient()
    {
        return toUpstream;
    }

    @Override
    public RelayPipe toClient()
    {
        return toClient;
    }

    @Override
    public boolean isOpen()
    {
        return Phase.CLOSED != phase;
    }

    @Override
    public void onUpstreamActivity()
    {
        lastActivityNs = reactor.nowNs();
    }

    @Override
    public void deliver()
    {
        if (Phase.CLOSED == phase)
        {
            return;
        }
        try
        {
            link.pumpToClient();
        }
        catch (final IOException ex)
        {
            close(CloseReason.IO_ERROR);
            return;
        }
        afterEvent();
    }

    @Override
    public void resumeForwarding()
    {
        if (Phase.CLOSED != phase && null != link)
        {
            forwardToLink();
            afterEvent();
        }
    }

    /**
     * A denied client of a FakeTLS proxy with {@code --cloak-denied}: straight to the cloak host, unread.
     */
    void cloakAtOnce()
    {
        startCloak(HandshakeFailure.DENIED, null);
        afterEvent();
    }

    /**
     * Not our client and the mode fronts such clients: send everything read so far, untouched, to the cloak host and
     * relay both ways from then on (protocol.md 6).
     *
     * @param target the cloak host the client's hello named, or null for the proxy's own.
     */
    void startCloak(final HandshakeFailure failure, final Upstream target)
    {
        countFailure(failure);
        UpstreamPlan plan = null == target ? null : target.plan(null);
        if (null == plan || plan.addresses().isEmpty())
        {
            // the proxy's own cloak host, also when the one the hello named has not resolved
            final Upstream cloak = reactor.cloak();
            plan = null == cloak ? null : cloak.plan(null);
        }
        if (null == plan || plan.addresses().isEmpty())
        {
            close(CloseReason.BAD_HANDSHAKE);
            return;
        }
        cloaked = true;
        reactor.counters().onCloaked();
        if (LOG.isLoggable(System.Logger.Level.TRACE))
        {
            LOG.log(System.Logger.Level.TRACE, "cloaking client={0} reason={1}", clientText(), lower(failure));
        }
        toUpstream.startRelay(0, null, null);
        connect(plan);
    }

    /**
     * The handshake failed before the client proved it is ours: front it or close it, as the mode wants.
     */
    private void fail(final HandshakeFailure failure)
    {
        if (!recordsStarted && reactor.clientMode().cloaksFailures())
        {
            startCloak(failure, null);
        }
        else
        {
            countFailure(failure);
            close(CloseReason.BAD_HANDSHAKE);
        }
    }

    private void countFailure(final HandshakeFailure failure)
    {
        this.failure = failure;
        reactor.counters().onHandshakeFailure(failure);
    }

    private void connect(final UpstreamPlan plan)
    {
        addresses = plan.addresses();
        addressIndex = 0;
        // Telegram through the SOCKS5 servers (--socks5); the cloak host always directly
        tunnel = cloaked || null == reactor.dialer() ? null : new TunnelDial(reactor.dialer());
        enter(Phase.CONNECTING);
        dialNext();
    }

    /**
     * Dial the next candidate address; close the session when none is left.
     */
    private void dialNext()
    {
        while (addressIndex < addresses.size())
        {
            final InetSocketAddress address = addresses.get(addressIndex++);
            if (LOG.isLoggable(System.Logger.Level.TRACE))
            {
                LOG.log(System.Logger.Level.TRACE, "dial client={0} upstream={1} dc={2} address={3} attempt={4}/{5}",
                    clientText(), cloaked ? "cloak" : "telegram", dcIndex, address, addressIndex, addresses.size());
            }
            final InetSocketAddress connectTo = null == tunnel ? address : tunnel.open(address, reactor.nowNs());
            SocketChannel channel = null;
            try
            {
                if (null == connectTo)
                {
                    throw new IOException("the SOCKS5 server's name has not resolved");
                }
                channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                upstream.channel = channel;
                upstream.interestOps = SelectionKey.OP_CONNECT;
                upstream.key = reactor.register(channel, SelectionKey.OP_CONNECT, upstream);
                schedule(reactor.nowNs() + reactor.dialTimeoutNs());
                if (channel.connect(connectTo))
                {
                    onTcpConnected();
                }
                return;
            }
            catch (final IOException | RuntimeException ex)
            {
                logDialFailure(address, ex);
                if (null != tunnel)
                {
                    tunnel.onConnectFailed(ex.getMessage());
                }
                closeUpstreamChannel();
                retrySameAddressThroughAnotherServer();
            }
        }
        close(CloseReason.DIAL_FAILED);
    }

    private void onConnectable()
    {
        try
        {
            if (upstream.channel.finishConnect())
            {
                onTcpConnected();
            }
        }
        catch (final IOException ex)
        {
            logDialFailure(null, ex);
            if (null != tunnel)
            {
                tunnel.onConnectFailed(ex.getMessage());
                retrySameAddressThroughAnotherServer();
            }
            closeUpstreamChannel();
            dialNext();
        }
    }

    /**
     * TCP is up: to Telegram itself, or to the SOCKS5 server, which is told the target first.
     */
    private void onTcpConnected()
    {
        if (null == tunnel)
        {
            onConnected();
            return;
        }
        onTunnelEvent(tunnel.onConnected(upstream.channel));
    }

    /**
     * The SOCKS5 negotiation moved: relay once it stands, try again when it failed (the failure is logged and counted
     * by the tunnel), else wait for the server.
     */
    private void onTunnelEvent(final int state)
    {
        if (TunnelConnector.READY == state)
        {
            onConnected();
        }
        else if (TunnelConnector.FAILED == state)
        {
            closeUpstreamChannel();
            retrySameAddressThroughAnotherServer();
            dialNext();
        }
        else
        {
            upstream.interest(tunnel.interestOps());
        }
    }

    /**
     * A dial through a SOCKS5 server failed: the same Telegram address goes through the next server, once per server
     * configured, before the next address is tried.
     */
    private void retrySameAddressThroughAnotherServer()
    {
        if (null != tunnel && tunnel.retrySameTarget())
        {
            addressIndex--;
        }
    }

    private void onConnected()
    {
        if (!cloaked)
        {
            armSilentCheck();
        }
        enter(Phase.RELAY);
        if (!cloaked)
        {
            telegramDc = DcLabel.index(dcIndex);
            reactor.counters().onTelegramConnected(telegramDc);
            final long nowNs = reactor.latencies().nowNs();
            reactor.latencies().record(Latency.TELEGRAM_DIAL, nowNs - markNs);
            markNs = nowNs;
            awaitingFirstByte = reactor.latencies().isEnabled();
        }
        if (LOG.isLoggable(System.Logger.Level.TRACE))
        {
            LOG.log(System.Logger.Level.TRACE, "dial connected client={0} upstream={1} address={2}", clientText(),
                cloaked ? "cloak" : "telegram", addresses.get(addressIndex - 1));
        }
        upstream.interest(SelectionKey.OP_READ);
        toUpstream.sinkReady();
        toClient.sinkReady();
        try
        {
            toUpstream.flush();
        }
        catch (final IOException ex)
        {
            close(CloseReason.IO_ERROR);
            return;
        }
        afterEvent();
    }

    private void logDialFailure(final InetSocketAddress address, final Exception ex)
    {
        if (LOG.isLoggable(System.Logger.Level.TRACE))
        {
            LOG.log(System.Logger.Level.TRACE, "dial failed client={0} dc={1} address={2} error={3}", clientText(),
                dcIndex, null == address ? addresses.get(addressIndex - 1) : address, ex.toString());
        }
    }

    private void closeUpstreamChannel()
    {
        if (null != upstream.channel)
        {
            closeQuietly(upstream.channel);
            upstream.channel = null;
            upstream.key = null;
            upstream.interestOps = 0;
        }
    }

    /**
     * The phase's deadline passed.
     */
    void onTimeout(final long nowNs)
    {
        timerId = Reactor.NO_TIMER;
        switch (phase)
        {
            case HANDSHAKE:
                if (null != proxyHeader && proxyHeader.isAwaiting())
                {
                    proxyHeader.onTimeout();
                }
                else if (!recordsStarted && reactor.clientMode().cloaksFailures())
                {
                    // a real server would still be waiting: let it decide
                    startCloak(HandshakeFailure.INCOMPLETE, null);
                }
                else
                {
                    close(CloseReason.HANDSHAKE_TIMEOUT);
                }
                break;
            case CONNECTING:
                logDialFailure(addresses.get(addressIndex - 1), new IOException("dial timeout"));
                if (null != tunnel)
                {
                    tunnel.onTimeout();
                    retrySameAddressThroughAnotherServer();
                }
                closeUpstreamChannel();
                dialNext();
                break;
            case RELAY:
                onRelayTimer(nowNs);
                break;
            default:
                break;
        }
    }

    /**
     * The relay's one timer checks both the idle timeout and the stall timeout (a peer that accepts no byte while
     * bytes wait for it pins a buffer of the shared arena: close it). With nothing waiting it looks again a stall
     * timeout later, so a stall is found within twice the timeout at worst, one timer per session. A relay silent for
     * {@link Reactor#dormantAfterNs()} lets its ciphers sleep; they wake on the next byte.
     */
    private void onRelayTimer(final long nowNs)
    {
        if (0 != silentCheckNs && nowNs - silentCheckNs >= 0)
        {
            checkSilence();
        }
        final long stallNs = reactor.stallTimeoutNs();
        if (toClient.isStalled(nowNs, stallNs) || toUpstream.isStalled(nowNs, stallNs))
        {
            reactor.counters().onStalled();
            close(CloseReason.STALLED);
            return;
        }
        final long idleDeadlineNs = lastActivityNs + reactor.idleTimeoutNs();
        if (nowNs - idleDeadlineNs >= 0)
        {
            close(CloseReason.IDLE_TIMEOUT);
            return;
        }
        long nextNs = Math.min(idleDeadlineNs - nowNs, stallNs);
        final long dormantAtNs = lastActivityNs + reactor.dormantAfterNs();
        if (nowNs - dormantAtNs >= 0)
        {
            toUpstream.sleepCiphers();
            toClient.sleepCiphers();
        }
        else
        {
            nextNs = Math.min(nextNs, dormantAtNs - nowNs);
        }
        if (toClient.hasPending())
        {
            nextNs = Math.min(nextNs, toClient.lastProgressNs() + stallNs - nowNs);
        }
        if (toUpstream.hasPending())
        {
            nextNs = Math.min(nextNs, toUpstream.lastProgressNs() + stallNs - nowNs);
        }
        if (0 != silentCheckNs)
        {
            nextNs = Math.min(nextNs, silentCheckNs - nowNs);
        }
        schedule(nowNs + Math.max(0, nextNs));
    }

    /**
     * Look once, the handshake timeout (at most 5 s) after the relay to Telegram began, whether the client has moved
     * a byte either way since. Real clients send and receive at once; a flow that goes silent right after a successful handshake is
     * what DPI that drops FakeTLS flows silently leaves, so it is counted (and logged at debug), not closed.
     */
    private void armSilentCheck()
    {
        clientBytesAtHandshake = toUpstream.bytes();
        final long checkNs = reactor.nowNs() + Math.min(reactor.handshakeTimeoutNs(), SILENT_AFTER_MAX_NS);
        silentCheckNs = 0 == checkNs ? 1 : checkNs;
    }

    private void checkSilence()
    {
        silentCheckNs = 0;
        if (toUpstream.bytes() == clientBytesAtHandshake && 0 == toClient.bytes())
        {
            reactor.counters().onSilentAfterHandshake();
            if (LOG.isLoggable(System.Logger.Level.DEBUG))
            {
                LOG.log(System.Logger.Level.DEBUG, "client silent after its handshake client={0} dc={1} ms={2}",
                    clientText(), dcIndex, (System.nanoTime() - openedNs) / 1_000_000L);
            }
        }
    }

    /**
     * End the session: timers, both sockets and both buffers, each exactly once.
     */
    @Override
    public void close(final CloseReason reason)
    {
        if (Phase.CLOSED == phase)
        {
            return;
        }
        enter(Phase.CLOSED);
        tunnel = null;
        if (null != link)
        {
            link.detach();
        }
        if (null != account)
        {
            account.release();
        }
        closeQuietly(client.channel);
        closeUpstreamChannel();
        toUpstream.releaseAll();
        toClient.releaseAll();
        if (NO_DC != telegramDc)
        {
            reactor.counters().onTelegramClosed(telegramDc);
            telegramDc = NO_DC;
        }
        reactor.onSessionClosed(this, reason);
        if (LOG.isLoggable(System.Logger.Level.DEBUG))
        {
            LOG.log(System.Logger.Level.DEBUG,
                "client closed client={0} dc={1} cloaked={2} reason={3} handshake_failure={4} bytes_from_client={5} " +
                "bytes_to_client={6} ms={7}{8}", clientText(), dcIndex, cloaked, lower(reason), lower(failure),
                toUpstream.bytes(), toClient.bytes(), (System.nanoTime() - openedNs) / 1_000_000L,
                null == account ? "" : " user=" + account);
        }
    }

    /**
     * @return the client's address as {@code --log-client-ip} lets logs show it; only for logs, so it may allocate.
     */
    String clientText()
    {
        return null == remote ? "-" : reactor.logged(remote);
    }

    static String lower(final Enum<?> value)
    {
        return null == value ? "none" : value.name().toLowerCase(Locale.ROOT);
    }

    private static void closeQuietly(final SocketChannel channel)
    {
        if (null != channel)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
                // nothing useful left to do with a socket that fails to close
            }
        }
    }
}
