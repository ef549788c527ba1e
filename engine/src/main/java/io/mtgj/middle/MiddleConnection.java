package io.mtgj.middle;

import io.mtgj.crypto.AesCbc;
import io.mtgj.middle.rpc.Rpc;
import io.mtgj.middle.rpc.RpcFrame;
import io.mtgj.middle.rpc.RpcKeys;
import io.mtgj.middle.rpc.RpcMessages;
import io.mtgj.net.BufferArena;
import io.mtgj.net.ChannelHandler;
import io.mtgj.net.CloseReason;
import io.mtgj.net.PooledBuffer;
import io.mtgj.net.ReactorServices;
import io.mtgj.net.TunnelConnector;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

/**
 * One encrypted RPC connection to a Telegram middle proxy, kept by a {@link MiddlePool} and shared by the clients of
 * one reactor (protocol.md 7.3-7.7). Owned by that reactor: no locks. Any protocol violation drops the connection and
 * closes its clients, never the other way round. A client leaving does not close it: an idle connection stays for
 * the pool's idle time. A connection silent for the ping interval sends {@code RPC_PING}; silent twice as long, it is
 * taken for dead.
 * <p>
 * <b>Memory.</b> Its off-heap bytes are {@link #CHUNK_BYTES} chunks leased from the reactor's arena as priority
 * (control) traffic, only while bytes are in flight: at most one inbound and {@link RpcOutbound#MAX_CHUNKS}
 * outbound, so whatever the frame sizes a connection holds at most five chunks (about 80 KiB), and an idle one none. When the
 * arena has no chunk even for priority, the connection waits in its line (reads off, or clients' offers waiting)
 * and goes on when one is granted; it never fails for lack of memory, though the handshake's deadline still holds
 * for a new connection that cannot get its first chunk in time (an arena smaller than its clients' relay buffers
 * plus a chunk, which handshakes in progress fill from the same reserve).
 * <p>
 * <b>Outbound.</b> Frames go through {@link RpcOutbound}'s queue of chunks. Past its last chunk, clients' offers
 * wait ({@link MiddleClient#resumeForwarding()}); control messages (close, ping, pong) wait in a small heap queue and
 * go first.
 * <p>
 * <b>Inbound.</b> Bytes are read into a chunk, decrypted in place a whole block at a time and cut into frames. A
 * frame larger than a chunk can only be an answer: once its header is in, its payload streams to the client in
 * pieces and its CRC is checked at the end; a client closed meanwhile (too slow, gone) has the rest skipped, the
 * CRC still checked. Frames up to {@link Rpc#MAX_FRAME_LENGTH} pass this way; every other message must fit a
 * chunk.
 */
final class MiddleConnection implements ChannelHandler
{
    /** Bytes of one buffer of a middle-proxy connection; the reactor sizes its arena's reserve with it. */
    static final int CHUNK_BYTES = 16 << 10;

    private static final System.Logger LOG = System.getLogger("io.mtgj.middle");
    private static final long NO_TIMER = -1;
    /** Read (and write) rounds per readiness event, so one busy connection cannot starve the reactor. */
    private static final int MAX_ROUNDS = 16;
    /** Control messages waiting for room beyond this mean the middle proxy floods us with pings: drop it. */
    private static final int MAX_CONTROL_MESSAGES = 1024;
    /** What a streamed answer needs before its payload: frame header, then constructor, flags and conn_id. */
    private static final int ANSWER_HEADER_LENGTH = RpcFrame.HEADER_LENGTH + Rpc.PROXY_ANS_HEADER_LENGTH;
    private static final int CONN_ID_OFFSET = 8;

    enum State
    {
        CONNECTING,
        NONCE_SENT,
        HANDSHAKE_SENT,
        READY,
        CLOSED
    }

    private final ReactorServices reactor;
    private final BufferArena arena;
    private final MiddlePools pools;
    private final MiddlePool pool;
    private final MiddleProxies proxies;
    private final MiddleProxies.Gauge gauge;
    private final InetSocketAddress address;
    private final int dcLabel;
    private final SocketChannel channel;
    /** With {@code --socks5}: the negotiation with the SOCKS server until it stands, else null. */
    private TunnelConnector connector;
    /**
     * With {@code --socks5}: where the middle proxy sees this connection come from, as the SOCKS server reported it;
     * the RPC keys are derived from it instead of the socket's own address (protocol.md 7.5).
     */
    private InetSocketAddress tunnelBound;
    private SelectionKey selectionKey;
    private final Long2ObjectHashMap<MiddleClient> clients = new Long2ObjectHashMap<>();
    /** Clients whose packets wait for room, oldest first; each is in it once ({@link MiddleClient#queuedForRoom}). */
    private final ArrayDeque<MiddleClient> waiting = new ArrayDeque<>();
    private final ArrayDeque<byte[]> control = new ArrayDeque<>();
    private final CRC32 crc = new CRC32();
    private final byte[] clientNonce = new byte[16];
    private int cryptoTs;
    private State state = State.CONNECTING;
    private AesCbc decrypt;
    private int inSeq = Rpc.SEQ_NONCE;
    private int interestOps;
    private long nextConnId;
    private boolean servicing;
    private long handshakeTimer = NO_TIMER;
    private long idleTimer = NO_TIMER;
    private long pingTimer = NO_TIMER;
    /** When bytes last came from the middle proxy. */
    private long lastReadNs;
    private final Runnable onHandshakeTimeout = this::onHandshakeTimeout;
    private final Runnable onIdleTimeout = this::onIdleTimeout;
    private final Runnable onPingTime = this::onPingTime;
    private final Runnable flush = this::onFlush;
    private boolean flushPending;

    private final ChunkWaiter outWaiter;
    private final RpcOutbound out;

    // Inbound: [0, inDecrypted) decrypted, [inDecrypted, inEnd) a partial block; a streamed answer in progress.
    private final ChunkWaiter inWaiter;
    private PooledBuffer in;
    private int inEnd;
    private int inDecrypted;
    private boolean streaming;
    private int streamRemaining;
    private long streamConnId;
    private MiddleClient streamClient;

    MiddleConnection(final MiddlePools pools, final MiddlePool pool, final InetSocketAddress address,
        final int dcLabel) throws IOException
    {
        this.reactor = pools.reactor();
        this.arena = reactor.arena();
        this.pools = pools;
        this.pool = pool;
        this.proxies = pools.proxies();
        this.gauge = proxies.gauge(dcLabel, address);
        this.address = address;
        this.dcLabel = dcLabel;
        this.channel = SocketChannel.open();
        this.inWaiter = new ChunkWaiter(reactor, () -> onChunkGranted(true));
        this.outWaiter = new ChunkWaiter(reactor, () -> onChunkGranted(false));
        this.out = new RpcOutbound(pools, outWaiter);
    }

    /**
     * @param payloadLength bytes of a message.
     * @return whether its frame is larger than a chunk, so sent in pieces: its body array must then stay unchanged
     *         until the frame is out ({@link #adoptHeap}).
     */
    static boolean isStreamed(final int payloadLength)
    {
        return RpcFrame.paddedLength(payloadLength) > CHUNK_BYTES;
    }

    /**
     * Dial the middle proxy. A failure closes this connection (socket back, counted as a failure) rather than
     * throwing: the caller sees {@link #isOpen()} false.
     */
    void start()
    {
        reactor.counters().onTelegramConnected(dcLabel);
        gauge.opened();
        try
        {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true); // no SO_KEEPALIVE: pings find dead ones
            selectionKey = reactor.register(channel, SelectionKey.OP_CONNECT, this);
            interestOps = SelectionKey.OP_CONNECT;
            final SecureRandom random = new SecureRandom();
            random.nextBytes(clientNonce);
            nextConnId = random.nextLong();
            // Connect, nonce and handshake together get the dial timeout: a silent middle proxy must not hold the
            // clients waiting on it for ever.
            handshakeTimer = reactor.schedule(onHandshakeTimeout, reactor.nowNs() + reactor.dialTimeoutNs());
            // with --socks5 the middle proxy is reached through a SOCKS5 server, told its address first
            connector = null == reactor.dialer() ? null :
                new TunnelConnector(reactor.dialer().open(address, reactor.nowNs()));
            final InetSocketAddress connectTo = null == connector ? address : connector.tunnel().relay();
            if (null == connectTo)
            {
                connector.onConnectFailed(null);
                close("socks5 " + connector.tunnel().name() + " has not resolved");
                return;
            }
            if (channel.connect(connectTo))
            {
                onTcpConnected();
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            if (null != connector)
            {
                connector.onConnectFailed(ex.getMessage());
            }
            close("cannot connect" + (null == connector ? "" : " to socks5 " + connector.tunnel().name()) + ": " +
                ex);
        }
    }

    /**
     * TCP is up: to the middle proxy, or to the SOCKS5 server, which is told where to connect first.
     */
    private void onTcpConnected()
    {
        if (null == connector)
        {
            onConnected();
            return;
        }
        onTunnelEvent(connector.onConnected(channel));
    }

    private void onTunnelEvent(final int tunnelState)
    {
        if (TunnelConnector.READY == tunnelState)
        {
            tunnelBound = connector.tunnel().bound();
            if (null == tunnelBound)
            {
                close("socks5 " + connector.tunnel().name() + " did not say which address it connects from (its " +
                    "reply's bound address is 0.0.0.0:0); the middle-proxy keys need it: use a SOCKS5 server that " +
                    "reports it, dante-server does");
                return;
            }
            connector = null;
            onConnected();
        }
        else if (TunnelConnector.FAILED == tunnelState)
        {
            // the tunnel logged what the server answered and counted it
            close("socks5 " + connector.tunnel().name() + " failed");
        }
        else
        {
            updateInterest();
        }
    }

    private void onHandshakeTimeout()
    {
        handshakeTimer = NO_TIMER;
        if (State.READY != state)
        {
            if (null != connector)
            {
                connector.onTimeout();
            }
            close("no handshake within the dial timeout (state " + state +
                (null == connector ? "" : ", socks5 " + connector.tunnel().name()) + ")");
        }
    }

    private long cancel(final long timer)
    {
        if (NO_TIMER != timer)
        {
            reactor.cancelTimer(timer);
        }
        return NO_TIMER;
    }

    /**
     * Close once {@code afterNs} pass with no client, if the pool can spare it then.
     */
    void closeWhenIdleFor(final long afterNs)
    {
        idleTimer = cancel(idleTimer);
        idleTimer = reactor.schedule(onIdleTimeout, reactor.nowNs() + afterNs);
    }

    private void onIdleTimeout()
    {
        idleTimer = NO_TIMER;
        if (clients.isEmpty() && State.CLOSED != state && pool.mayCloseIdle())
        {
            shutDown("idle");
        }
    }

    /**
     * Ping a connection the middle proxy has been silent on, and drop one that stayed silent through a ping.
     */
    private void onPingTime()
    {
        pingTimer = NO_TIMER;
        if (State.READY != state)
        {
            return;
        }
        final long intervalNs = TimeUnit.MILLISECONDS.toNanos(pools.settings().pingIntervalMs());
        final long silentNs = reactor.nowNs() - lastReadNs;
        if (silentNs >= 2 * intervalNs)
        {
            close("no answer to a ping");
            return;
        }
        if (silentNs >= intervalNs)
        {
            sendControl(RpcMessages.ping(ThreadLocalRandom.current().nextLong()));
        }
        pingTimer = reactor.schedule(onPingTime, reactor.nowNs() + intervalNs);
    }

    @Override
    public void rekey(final SelectionKey newKey)
    {
        selectionKey = newKey;
    }

    boolean isOpen()
    {
        return State.CLOSED != state;
    }

    int clientCount()
    {
        return clients.size();
    }

    boolean isReady()
    {
        return State.READY == state;
    }

    /**
     * @return the new client's connection id.
     */
    long attach(final MiddleClient client)
    {
        long id = nextConnId++;
        while (0 == id || clients.containsKey(id))
        {
            id = nextConnId++;
        }
        clients.put(id, client);
        idleTimer = cancel(idleTimer);
        return id;
    }

    /**
     * A client is gone: tell the middle proxy (protocol.md 7.7, unlike mtg v1) and drop it. An answer streaming to
     * it goes on being read, into nowhere.
     */
    void detach(final long connId)
    {
        final MiddleClient client = clients.remove(connId);
        if (null == client || State.CLOSED == state)
        {
            return;
        }
        if (client.queuedForRoom)
        {
            client.queuedForRoom = false;
            waiting.remove(client); // rare: a client closed while its packets waited for room
        }
        if (streaming && connId == streamConnId)
        {
            streamClient = null;
        }
        if (State.READY == state)
        {
            sendControl(RpcMessages.closeConn(connId));
        }
        if (clients.isEmpty() && State.CLOSED != state)
        {
            pool.onIdle(this);
        }
    }

    /**
     * Queue one client packet as RPC_PROXY_REQ.
     *
     * @param packet the packet's array; when {@link #isStreamed} says so for the request, it must stay unchanged
     *               until the frame is out, and the caller then hands its heap charge over with {@link #adoptHeap}.
     * @return false when there is no room now: the client waits for {@link MiddleClient#resumeForwarding()}.
     */
    boolean offer(final MiddleClient client, final byte[] header, final byte[] packet, final int offset,
        final int length)
    {
        if (State.READY != state || !control.isEmpty() ||
            !out.queueFrame(header, 0, header.length, packet, offset, length))
        {
            if (State.CLOSED != state && !client.queuedForRoom)
            {
                client.queuedForRoom = true;
                waiting.addLast(client);
            }
            return false;
        }
        flushSoon();
        return true;
    }

    /**
     * A client's array was offered: while the frame in progress reads it, its heap charge stays taken, here, and
     * goes back when the frame is out (or the connection closes); otherwise it goes back now.
     *
     * @param source the array.
     * @param bytes  its charge on the reactor's allowance for promoted-channel clients.
     */
    void adoptHeap(final byte[] source, final long bytes)
    {
        out.adoptHeap(source, bytes);
    }

    /**
     * A control message (nonce, handshake, close, pong): queued now if it can be, else kept in line, ahead of any
     * client packet.
     */
    private void sendControl(final byte[] payload)
    {
        if (control.isEmpty() && out.queueFrame(payload, 0, payload.length, null, 0, 0))
        {
            flushSoon();
            return;
        }
        if (control.size() >= MAX_CONTROL_MESSAGES)
        {
            close("control messages pile up");
            return;
        }
        control.addLast(payload);
        updateInterest();
    }

    private void drainControl()
    {
        while (!control.isEmpty() && State.CLOSED != state)
        {
            final byte[] payload = control.peekFirst();
            if (!out.queueFrame(payload, 0, payload.length, null, 0, 0))
            {
                return;
            }
            control.pollFirst();
        }
    }

    /**
     * Whether a new frame could be queued now, roughly: a waiting client is worth waking.
     */
    private boolean hasRoomForFrames()
    {
        return control.isEmpty() && out.hasRoomForFrames();
    }

    /**
     * Write what was queued once the reactor is through this cycle's events, so that the frames several clients
     * queue meanwhile (their requests, their closes) leave in one gathering write.
     */
    private void flushSoon()
    {
        if (!flushPending)
        {
            flushPending = true;
            reactor.afterEvents(flush);
        }
    }

    private void onFlush()
    {
        flushPending = false;
        serviceQuietly();
    }

    private void serviceQuietly()
    {
        try
        {
            service();
        }
        catch (final IOException ex)
        {
            close("write failed: " + ex.getMessage());
        }
    }

    /**
     * Write what is queued and refill: the frame in progress, control messages, then waiting clients' packets;
     * again while the socket takes everything, a bounded number of rounds. Re-entered from a client's offer it does
     * nothing: the outer call carries on.
     */
    private void service() throws IOException
    {
        if (servicing || State.CLOSED == state)
        {
            return;
        }
        servicing = true;
        try
        {
            for (int round = 0; round < MAX_ROUNDS && State.CLOSED != state; round++)
            {
                out.fillFromFrame();
                drainControl();
                if (State.READY == state && hasRoomForFrames())
                {
                    wakeWaiting();
                }
                if (State.CLOSED == state || 0 == out.queuedBytes())
                {
                    break;
                }
                out.write(channel);
                if (out.queuedBytes() > 0)
                {
                    break; // the socket is full: OP_WRITE brings us back
                }
            }
        }
        finally
        {
            servicing = false;
        }
        if (0 == out.queuedBytes())
        {
            out.releaseAll(); // a chunk granted after the need for it went
        }
        updateInterest();
    }

    /**
     * Let waiting clients offer again, oldest first, until one finds no room.
     */
    private void wakeWaiting()
    {
        while (!waiting.isEmpty() && State.READY == state && hasRoomForFrames())
        {
            final MiddleClient next = waiting.pollFirst();
            next.queuedForRoom = false;
            next.resumeForwarding();
            if (next.queuedForRoom)
            {
                break; // full again: the next drain wakes the rest
            }
        }
    }

    @Override
    public void onFailed(final String why)
    {
        close(why);
    }

    @Override
    public void onSelected(final int readyOps) throws IOException
    {
        if ((readyOps & SelectionKey.OP_CONNECT) != 0)
        {
            final boolean connected;
            try
            {
                connected = channel.finishConnect();
            }
            catch (final IOException ex)
            {
                if (null != connector)
                {
                    connector.onConnectFailed(ex.getMessage());
                }
                throw ex;
            }
            if (connected)
            {
                onTcpConnected();
            }
            return;
        }
        if (null != connector)
        {
            onTunnelEvent(connector.onSelected(channel, readyOps));
            return;
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0)
        {
            service();
        }
        if ((readyOps & SelectionKey.OP_READ) != 0 && State.CLOSED != state)
        {
            onReadable();
        }
        updateInterest();
    }

    /**
     * The arena granted a chunk it waited for: go on as a readiness event would have.
     */
    void onChunkGranted(final boolean inbound)
    {
        if (State.CLOSED == state)
        {
            return; // close() gave it back
        }
        try
        {
            if (inbound)
            {
                onReadable();
            }
            else
            {
                service();
            }
            updateInterest();
        }
        catch (final IOException ex)
        {
            close(ex.toString());
        }
        catch (final RuntimeException ex)
        {
            // as the reactor does for a readiness event: this connection goes, the reactor carries on
            LOG.log(System.Logger.Level.ERROR, "middle-proxy connection handler crashed, closing it", ex);
            close("crash");
        }
    }

    private void onConnected()
    {
        cryptoTs = (int)(System.currentTimeMillis() / 1000);
        state = State.NONCE_SENT;
        updateInterest();
        sendControl(RpcMessages.nonce(proxies.proxySecret(), cryptoTs, clientNonce));
    }

    private void updateInterest()
    {
        if (State.CLOSED == state || null == selectionKey)
        {
            return;
        }
        int ops = null == connector ? SelectionKey.OP_CONNECT : connector.interestOps();
        if (State.CONNECTING != state)
        {
            ops = inWaiter.waiting ? 0 : SelectionKey.OP_READ;
            // Write interest also when work is left that a write turn would do (the rounds ran out): the rest of a
            // frame or control messages to encrypt, clients to wake; not while that work waits for a chunk.
            if (out.queuedBytes() > 0 ||
                (!out.isWaitingForChunk() && (out.isFrameActive() || !control.isEmpty())) ||
                (State.READY == state && !waiting.isEmpty() && hasRoomForFrames()))
            {
                ops |= SelectionKey.OP_WRITE;
            }
        }
        if (ops != interestOps && selectionKey.isValid())
        {
            interestOps = ops;
            selectionKey.interestOps(ops);
        }
    }

    private void onReadable() throws IOException
    {
        for (int round = 0; round < MAX_ROUNDS && State.CLOSED != state; round++)
        {
            if (!leaseIn())
            {
                return;
            }
            final int room = CHUNK_BYTES - inEnd;
            final int n = channel.read(in.view(inEnd, CHUNK_BYTES));
            if (n < 0)
            {
                close("closed by the middle proxy");
                return;
            }
            if (n > 0)
            {
                lastReadNs = reactor.nowNs();
                inEnd += n;
                decryptNew();
                parse();
            }
            if (State.CLOSED == state)
            {
                return;
            }
            if (0 == inEnd)
            {
                releaseIn(); // no partial frame left: hold nothing
            }
            if (n < room)
            {
                return; // the socket had no more for now
            }
        }
    }

    /**
     * @return whether an inbound chunk is there; if not, reads are off until the arena grants one.
     */
    private boolean leaseIn()
    {
        takeGrantedIn();
        if (null != in)
        {
            return true;
        }
        if (inWaiter.waiting)
        {
            return false;
        }
        final PooledBuffer chunk = arena.lease(CHUNK_BYTES, true);
        if (null != chunk)
        {
            takeIn(chunk);
            return true;
        }
        inWaiter.waiting = true;
        arena.await(inWaiter, true);
        takeGrantedIn();
        updateInterest();
        return null != in;
    }

    private void takeGrantedIn()
    {
        final PooledBuffer chunk = inWaiter.granted;
        if (null != chunk)
        {
            inWaiter.granted = null;
            if (null == in && State.CLOSED != state)
            {
                takeIn(chunk);
            }
            else
            {
                arena.release(chunk);
            }
        }
    }

    private void takeIn(final PooledBuffer chunk)
    {
        in = chunk;
        inEnd = 0;
        inDecrypted = 0;
    }

    private void releaseIn()
    {
        final PooledBuffer chunk = in;
        if (null != chunk)
        {
            in = null;
            inEnd = 0;
            inDecrypted = 0;
            arena.release(chunk);
        }
    }

    private void decryptNew()
    {
        if (null == decrypt)
        {
            inDecrypted = inEnd; // the nonce answer is plain
            return;
        }
        final int blocks = (inEnd - inDecrypted) & -AesCbc.BLOCK_LENGTH;
        if (blocks > 0)
        {
            final byte[] cipher = pools.scratch(blocks, 0);
            final byte[] plain = pools.scratch(blocks, 1);
            in.buffer().getBytes(inDecrypted, cipher, 0, blocks);
            decrypt.update(cipher, 0, blocks, plain, 0);
            in.buffer().putBytes(inDecrypted, plain, 0, blocks);
            inDecrypted += blocks;
        }
    }

    /**
     * Cut the decrypted bytes into frames: whole ones are handled at once, one larger than a chunk streams; what is
     * left (a partial frame or block) moves to the front.
     */
    private void parse()
    {
        final UnsafeBuffer buffer = in.buffer();
        int at = 0;
        while (State.CLOSED != state)
        {
            if (streaming)
            {
                at += streamAnswer(buffer, at);
                if (streaming)
                {
                    break;
                }
                continue;
            }
            final int padding = RpcFrame.paddingLength(buffer, at, inDecrypted - at);
            if (RpcFrame.NEED_MORE == padding)
            {
                break;
            }
            at += padding;
            final int length = RpcFrame.announcedLength(buffer, at, inDecrypted - at);
            if (RpcFrame.NEED_MORE == length)
            {
                break;
            }
            if (RpcFrame.MALFORMED == length)
            {
                close("malformed frame");
                return;
            }
            if (length <= inDecrypted - at)
            {
                onWholeFrame(buffer, at, length);
                at += length;
            }
            else if (length > CHUNK_BYTES)
            {
                final int used = beginAnswer(buffer, at, length);
                if (0 == used)
                {
                    break;
                }
                at += used;
            }
            else
            {
                break; // the rest is on its way, and fits
            }
        }
        if (State.CLOSED == state)
        {
            return;
        }
        if (at > 0)
        {
            buffer.putBytes(0, buffer, at, inEnd - at);
            inEnd -= at;
            inDecrypted -= at;
        }
        if (CHUNK_BYTES == inEnd)
        {
            close("frame larger than the buffer"); // cannot happen: a full chunk always holds a frame or a stream
        }
    }

    private void onWholeFrame(final UnsafeBuffer buffer, final int at, final int length)
    {
        final int seq = buffer.getInt(at + 4, ByteOrder.LITTLE_ENDIAN);
        final int expectedCrc = buffer.getInt(at + length - RpcFrame.TRAILER_LENGTH, ByteOrder.LITTLE_ENDIAN);
        if (seq != inSeq ||
            !RpcFrame.hasValidCrc(in.view(at, at + length - RpcFrame.TRAILER_LENGTH), expectedCrc, crc))
        {
            close(seq != inSeq ? "unexpected sequence number " + seq : "bad CRC");
            return;
        }
        inSeq++;
        onFrame(buffer, at + RpcFrame.HEADER_LENGTH, length - RpcFrame.HEADER_LENGTH - RpcFrame.TRAILER_LENGTH);
    }

    /**
     * A frame larger than a chunk: only an answer may be, and it streams once its header is in.
     *
     * @return bytes used (its header), or 0 when the header is not all in yet or the connection closed.
     */
    private int beginAnswer(final UnsafeBuffer buffer, final int at, final int length)
    {
        if (inDecrypted - at < ANSWER_HEADER_LENGTH)
        {
            return 0;
        }
        final int seq = buffer.getInt(at + 4, ByteOrder.LITTLE_ENDIAN);
        final int constructor = buffer.getInt(at + RpcFrame.HEADER_LENGTH, ByteOrder.LITTLE_ENDIAN);
        if (seq != inSeq)
        {
            close("unexpected sequence number " + seq);
            return 0;
        }
        if (State.READY != state || Rpc.PROXY_ANS != constructor)
        {
            close("malformed frame: message " + Integer.toHexString(constructor) + " of " + length +
                " bytes, larger than a buffer");
            return 0;
        }
        crc.reset();
        crc.update(in.view(at, at + ANSWER_HEADER_LENGTH));
        streaming = true;
        streamRemaining = length - ANSWER_HEADER_LENGTH - RpcFrame.TRAILER_LENGTH;
        streamConnId = buffer.getLong(at + RpcFrame.HEADER_LENGTH + CONN_ID_OFFSET, ByteOrder.LITTLE_ENDIAN);
        streamClient = clients.get(streamConnId);
        if (null != streamClient && !streamClient.beginAnswer(streamRemaining))
        {
            streamClient = null;
        }
        return ANSWER_HEADER_LENGTH;
    }

    /**
     * Pass the decrypted bytes of the streaming answer to its client, then check the CRC at its end.
     *
     * @return bytes used.
     */
    private int streamAnswer(final UnsafeBuffer buffer, final int at)
    {
        final int available = inDecrypted - at;
        int used = 0;
        if (streamRemaining > 0)
        {
            used = Math.min(streamRemaining, available);
            if (0 == used)
            {
                return 0;
            }
            crc.update(in.view(at, at + used));
            streamRemaining -= used;
            if (null != streamClient && !streamClient.answerPart(buffer, at, used))
            {
                streamClient = null; // closed: the rest is read into nowhere, the CRC still checked
            }
            if (State.CLOSED == state || streamRemaining > 0)
            {
                return used;
            }
        }
        if (available - used < RpcFrame.TRAILER_LENGTH)
        {
            return used;
        }
        final int expectedCrc = buffer.getInt(at + used, ByteOrder.LITTLE_ENDIAN);
        streaming = false;
        if ((int)crc.getValue() != expectedCrc)
        {
            close("bad CRC");
            return used;
        }
        inSeq++;
        final MiddleClient client = streamClient;
        streamClient = null;
        if (null != client)
        {
            client.endAnswer();
        }
        return used + RpcFrame.TRAILER_LENGTH;
    }

    private void onFrame(final UnsafeBuffer buffer, final int offset, final int length)
    {
        if (length < 4)
        {
            close("empty message");
            return;
        }
        final int constructor = buffer.getInt(offset, ByteOrder.LITTLE_ENDIAN);
        switch (state)
        {
            case NONCE_SENT:
                onNonceAnswer(bytes(buffer, offset, length));
                return;
            case HANDSHAKE_SENT:
                if (!RpcMessages.isHandshakeAccepted(bytes(buffer, offset, length)))
                {
                    close("handshake refused");
                    return;
                }
                state = State.READY;
                handshakeTimer = cancel(handshakeTimer);
                pool.onReady();
                pingTimer = reactor.schedule(onPingTime,
                    reactor.nowNs() + TimeUnit.MILLISECONDS.toNanos(pools.settings().pingIntervalMs()));
                LOG.log(System.Logger.Level.DEBUG, "middle proxy ready address={0} clients={1}", address,
                    clients.size());
                serviceQuietly(); // wakes the clients that waited for the handshake
                return;
            default:
                break;
        }
        if (Rpc.PROXY_ANS == constructor && length >= Rpc.PROXY_ANS_HEADER_LENGTH)
        {
            final MiddleClient client = clients.get(buffer.getLong(offset + CONN_ID_OFFSET, ByteOrder.LITTLE_ENDIAN));
            if (null != client)
            {
                client.onAnswer(buffer, offset + Rpc.PROXY_ANS_HEADER_LENGTH, length - Rpc.PROXY_ANS_HEADER_LENGTH);
            }
        }
        else if (Rpc.SIMPLE_ACK == constructor && length >= 16)
        {
            final MiddleClient client = clients.get(buffer.getLong(offset + 4, ByteOrder.LITTLE_ENDIAN));
            if (null != client)
            {
                client.onQuickAck(buffer, offset + 12);
            }
        }
        else if ((Rpc.CLOSE_EXT == constructor || Rpc.CLOSE_CONN == constructor) && length >= 12)
        {
            final MiddleClient client = clients.remove(buffer.getLong(offset + 4, ByteOrder.LITTLE_ENDIAN));
            if (null != client)
            {
                client.closeSession(CloseReason.DONE); // the middle proxy knows: no CLOSE_CONN back
                if (clients.isEmpty())
                {
                    pool.onIdle(this);
                }
            }
        }
        else if (Rpc.PING == constructor && length >= 12)
        {
            sendControl(RpcMessages.pong(buffer.getLong(offset + 4, ByteOrder.LITTLE_ENDIAN)));
        }
        else if (Rpc.PONG == constructor && length >= 12)
        {
            return; // our keep-alive came back; any bytes read have counted already
        }
        else
        {
            close("unknown message " + Integer.toHexString(constructor));
        }
    }

    private void onNonceAnswer(final byte[] payload)
    {
        final byte[] serverNonce = RpcMessages.serverNonce(payload, proxies.proxySecret());
        if (null == serverNonce)
        {
            close("bad nonce answer");
            return;
        }
        final InetSocketAddress local;
        try
        {
            local = null != tunnelBound ? tunnelBound : (InetSocketAddress)channel.getLocalAddress();
        }
        catch (final IOException ex)
        {
            close("no local address: " + ex);
            return;
        }
        final InetAddress localIp = local.getAddress();
        // through a SOCKS5 server the proxy's own public address (--public-ipv4) is not what the middle proxy sees
        final InetAddress ourIp =
            null == tunnelBound && null != proxies.publicIpv4() && localIp instanceof Inet4Address ?
            proxies.publicIpv4() : localIp;
        final boolean ipv6 = !(address.getAddress() instanceof Inet4Address);
        final byte[] serverIp = ipv6 ? null : address.getAddress().getAddress();
        final byte[] clientIp = ipv6 ? null : ourIp.getAddress();
        final byte[] clientIp6 = ipv6 ? localIp.getAddress() : null;
        final byte[] serverIp6 = ipv6 ? address.getAddress().getAddress() : null;
        final byte[] writeKeyIv = RpcKeys.derive(serverNonce, clientNonce, cryptoTs, serverIp, local.getPort(), true,
            clientIp, address.getPort(), proxies.proxySecret(), clientIp6, serverIp6);
        final byte[] readKeyIv = RpcKeys.derive(serverNonce, clientNonce, cryptoTs, serverIp, local.getPort(), false,
            clientIp, address.getPort(), proxies.proxySecret(), clientIp6, serverIp6);
        out.encryptWith(new AesCbc(java.util.Arrays.copyOf(writeKeyIv, 32),
            java.util.Arrays.copyOfRange(writeKeyIv, 32, 48), true));
        decrypt = new AesCbc(java.util.Arrays.copyOf(readKeyIv, 32), java.util.Arrays.copyOfRange(readKeyIv, 32, 48),
            false);
        state = State.HANDSHAKE_SENT;
        inDecrypted = inEnd; // nothing after the nonce answer has arrived yet that is not encrypted
        sendControl(RpcMessages.handshake());
    }

    private static byte[] bytes(final UnsafeBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    /**
     * The connection broke (or could not be set up): drop it and its clients, count it, and let the pool replace it.
     */
    void close(final String why)
    {
        close(why, true);
    }

    /**
     * Close a connection that did not fail (idle, or the reactor stopping), its clients with it.
     */
    void shutDown(final String why)
    {
        close(why, false);
    }

    /**
     * Drop the connection and every client on it; every chunk goes back, and any wait for one is cancelled.
     */
    private void close(final String why, final boolean failed)
    {
        if (State.CLOSED == state)
        {
            return;
        }
        final boolean wasReady = State.READY == state;
        state = State.CLOSED;
        handshakeTimer = cancel(handshakeTimer);
        idleTimer = cancel(idleTimer);
        pingTimer = cancel(pingTimer);
        reactor.counters().onTelegramClosed(dcLabel);
        gauge.closed(failed);
        LOG.log(failed ? System.Logger.Level.INFO : System.Logger.Level.DEBUG,
            "middle proxy connection closed address={0} clients={1} reason={2}", address, clients.size(), why);
        try
        {
            channel.close();
        }
        catch (final IOException ignore)
        {
            // closing anyway
        }
        out.close();
        control.clear();
        streaming = false;
        streamClient = null;
        inWaiter.giveBack(arena);
        releaseIn();
        pool.onClosed(this, failed, wasReady);
        final List<MiddleClient> orphans = new ArrayList<>(clients.values());
        clients.clear();
        waiting.clear();
        for (final MiddleClient client : orphans)
        {
            client.closeSession(CloseReason.IO_ERROR);
        }
    }
}
