package io.mtgj.net;

import io.mtgj.crypto.AesCbc;
import io.mtgj.rpc.Rpc;
import io.mtgj.rpc.RpcFrame;
import io.mtgj.rpc.RpcKeys;
import io.mtgj.rpc.RpcMessages;
import io.mtgj.stats.DcLabel;
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
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * One encrypted RPC connection to a Telegram middle proxy, shared by up to {@code --multiplex-per-connection}
 * clients of one reactor (protocol.md 7.3-7.7). Owned by that reactor: no locks. Outbound frames are built in a
 * scratch array, CBC-encrypted and queued in an off-heap buffer; inbound bytes are decrypted in place and routed to
 * their client by connection id. Any protocol violation drops the connection and closes its clients, never the
 * other way round.
 */
final class MiddleConnection
{
    private static final System.Logger LOG = System.getLogger("io.mtgj.middle");
    private static final long NO_TIMER = -1;
    /** Bytes of one buffer of a middle-proxy connection, each way. */
    static final int CHUNK_BYTES = io.mtgj.transport.PacketFraming.MAX_PACKET_LENGTH + (64 << 10);

    enum State
    {
        CONNECTING,
        NONCE_SENT,
        HANDSHAKE_SENT,
        READY,
        CLOSED
    }

    private final Reactor reactor;
    private final MiddleMultiplexer owner;
    private final MiddleDirectory directory;
    private final InetSocketAddress address;
    private final int key;
    private final SocketChannel channel;
    private SelectionKey selectionKey;
    private final PooledBuffer out;
    private final PooledBuffer in;
    private final Long2ObjectHashMap<Session> clients = new Long2ObjectHashMap<>();
    private final List<Session> waiting = new ArrayList<>();
    private final CRC32 crc = new CRC32();
    private final byte[] clientNonce = new byte[16];
    private int cryptoTs;
    private State state = State.CONNECTING;
    private AesCbc encrypt;
    private AesCbc decrypt;
    private int outSeq = Rpc.SEQ_NONCE;
    private int inSeq = Rpc.SEQ_NONCE;
    private int outEnd;
    private int outStart;
    private int inEnd;
    private int inDecrypted;
    private int interestOps;
    private long nextConnId;
    private boolean waking;
    private long handshakeTimer = NO_TIMER;

    MiddleConnection(final Reactor reactor, final MiddleMultiplexer owner, final MiddleDirectory directory,
        final InetSocketAddress address, final int key) throws IOException
    {
        this.reactor = reactor;
        this.owner = owner;
        this.directory = directory;
        this.address = address;
        this.key = key;
        this.out = reactor.arena().lease(CHUNK_BYTES, true);
        this.in = null == out ? null : reactor.arena().lease(CHUNK_BYTES, true);
        if (null == in)
        {
            if (null != out)
            {
                reactor.arena().release(out);
            }
            throw new IOException("no buffer memory for a middle-proxy connection");
        }
        this.channel = SocketChannel.open();
    }

    /**
     * Dial the middle proxy. A failure closes this connection (buffers, permit and socket go back) rather than
     * throwing: the caller sees {@link #isOpen()} false.
     */
    void start()
    {
        reactor.counters().onTelegramConnected(dcLabel());
        try
        {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            selectionKey = reactor.registerHandler(channel, SelectionKey.OP_CONNECT, this);
            interestOps = SelectionKey.OP_CONNECT;
            final SecureRandom random = new SecureRandom();
            random.nextBytes(clientNonce);
            nextConnId = random.nextLong();
            // Connect, nonce and handshake together get the dial timeout: a silent middle proxy must not hold the
            // clients waiting on it, nor a connection permit, for ever.
            handshakeTimer = reactor.scheduleTimer(this, reactor.nowNs() + reactor.dialTimeoutNs());
            if (channel.connect(address))
            {
                onConnected();
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            close("cannot connect: " + ex);
        }
    }

    /** The metrics' DC label of the clients it serves: the key is {@code dc x 2 + (ipv6 ? 1 : 0)}. */
    private int dcLabel()
    {
        return DcLabel.index(key >> 1);
    }

    void onHandshakeTimeout()
    {
        handshakeTimer = NO_TIMER;
        if (State.READY != state)
        {
            close("no handshake within the dial timeout (state " + state + ")");
        }
    }

    private void cancelHandshakeTimer()
    {
        if (NO_TIMER != handshakeTimer)
        {
            reactor.cancelTimer(handshakeTimer);
            handshakeTimer = NO_TIMER;
        }
    }

    void rekey(final SelectionKey newKey)
    {
        selectionKey = newKey;
    }

    int key()
    {
        return key;
    }

    boolean hasRoomForClient()
    {
        return isOpen() && clients.size() < directory.multiplexPerConnection();
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
    long attach(final Session session)
    {
        long id = nextConnId++;
        while (0 == id || clients.containsKey(id))
        {
            id = nextConnId++;
        }
        clients.put(id, session);
        return id;
    }

    /**
     * A client is gone: tell the middle proxy (protocol.md 7.7, unlike mtg v1) and drop it.
     */
    void detach(final long connId)
    {
        if (null == clients.remove(connId) || State.CLOSED == state)
        {
            return;
        }
        if (State.READY == state)
        {
            final byte[] message = RpcMessages.closeConn(connId);
            sendPayload(message, 0, message.length, null, 0, 0);
        }
        if (clients.isEmpty())
        {
            close("no clients left");
        }
    }

    /**
     * Queue one client packet as RPC_PROXY_REQ.
     *
     * @return false when the outbound buffer is full: the session must wait for {@link Session#onMiddleRoom()}.
     */
    boolean offer(final Session session, final byte[] header, final byte[] packet, final int offset, final int length)
    {
        if (State.READY != state || !sendPayload(header, 0, header.length, packet, offset, length))
        {
            if (!waiting.contains(session))
            {
                waiting.add(session);
            }
            return false;
        }
        return true;
    }

    /**
     * Frame, encrypt and queue a payload made of two parts.
     */
    private boolean sendPayload(final byte[] first, final int firstOffset, final int firstLength, final byte[] second,
        final int secondOffset, final int secondLength)
    {
        final int payloadLength = firstLength + secondLength;
        final int frameLength = RpcFrame.paddedLength(payloadLength);
        if (out.capacity() - outEnd < frameLength)
        {
            return false;
        }
        final byte[] plain = reactor.middleScratch(frameLength, 0);
        RpcFrame.begin(plain, 0, payloadLength, outSeq++);
        System.arraycopy(first, firstOffset, plain, RpcFrame.HEADER_LENGTH, firstLength);
        if (secondLength > 0)
        {
            System.arraycopy(second, secondOffset, plain, RpcFrame.HEADER_LENGTH + firstLength, secondLength);
        }
        RpcFrame.finish(plain, 0, payloadLength, crc);
        final byte[] cipher = reactor.middleScratch(frameLength, 1);
        encrypt.update(plain, 0, frameLength, cipher, 0);
        out.buffer().putBytes(outEnd, cipher, 0, frameLength);
        outEnd += frameLength;
        flushQuietly();
        return true;
    }

    private void sendPlainFrame(final byte[] payload, final int seq) throws IOException
    {
        final byte[] frame = RpcFrame.encode(payload, seq);
        out.buffer().putBytes(outEnd, frame);
        outEnd += frame.length;
        flush();
    }

    void onSelected(final int readyOps) throws IOException
    {
        if ((readyOps & SelectionKey.OP_CONNECT) != 0)
        {
            if (channel.finishConnect())
            {
                onConnected();
            }
            return;
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0)
        {
            flush();
        }
        if ((readyOps & SelectionKey.OP_READ) != 0 && State.CLOSED != state)
        {
            onReadable();
        }
    }

    private void onConnected() throws IOException
    {
        cryptoTs = (int)(System.currentTimeMillis() / 1000);
        state = State.NONCE_SENT;
        interest(SelectionKey.OP_READ);
        sendPlainFrame(RpcMessages.nonce(directory.proxySecret(), cryptoTs, clientNonce), outSeq++);
    }

    private void flushQuietly()
    {
        try
        {
            flush();
        }
        catch (final IOException ex)
        {
            close("write failed: " + ex.getMessage());
        }
    }

    private void flush() throws IOException
    {
        if (outEnd > outStart)
        {
            outStart += channel.write(out.view(outStart, outEnd));
        }
        if (outStart == outEnd)
        {
            outStart = 0;
            outEnd = 0;
            interest(SelectionKey.OP_READ);
            wakeWaiting();
        }
        else
        {
            interest(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            if (outStart > out.capacity() / 2)
            {
                // Make room at the end for the next frames.
                out.buffer().putBytes(0, out.buffer(), outStart, outEnd - outStart);
                outEnd -= outStart;
                outStart = 0;
                wakeWaiting();
            }
        }
    }

    /**
     * Let waiting clients offer again, oldest first, until one finds no room. Guarded: offering writes, and a write
     * that drains the buffer would otherwise wake them again from inside.
     */
    private void wakeWaiting()
    {
        if (waking || State.READY != state)
        {
            return;
        }
        waking = true;
        try
        {
            while (!waiting.isEmpty() && State.READY == state)
            {
                final Session next = waiting.remove(0);
                next.onMiddleRoom();
                if (waiting.contains(next))
                {
                    break; // full again: the next drain wakes the rest
                }
            }
        }
        finally
        {
            waking = false;
        }
    }

    private void interest(final int ops)
    {
        if (ops != interestOps && selectionKey.isValid())
        {
            interestOps = ops;
            selectionKey.interestOps(ops);
        }
    }

    private void onReadable() throws IOException
    {
        final int n = channel.read(in.view(inEnd, in.capacity()));
        if (n < 0)
        {
            close("closed by the middle proxy");
            return;
        }
        inEnd += n;
        if (null != decrypt)
        {
            final int blocks = (inEnd - inDecrypted) & -AesCbc.BLOCK_LENGTH;
            if (blocks > 0)
            {
                final byte[] cipher = reactor.middleScratch(blocks, 0);
                final byte[] plain = reactor.middleScratch(blocks, 1);
                in.buffer().getBytes(inDecrypted, cipher, 0, blocks);
                decrypt.update(cipher, 0, blocks, plain, 0);
                in.buffer().putBytes(inDecrypted, plain, 0, blocks);
                inDecrypted += blocks;
            }
        }
        else
        {
            inDecrypted = inEnd; // the nonce answer is plain
        }
        parseFrames();
        if (inEnd == in.capacity() && State.CLOSED != state)
        {
            close("frame larger than the buffer");
        }
    }

    private void parseFrames() throws IOException
    {
        final UnsafeBuffer buffer = in.buffer();
        int at = 0;
        while (State.CLOSED != state)
        {
            final int padding = RpcFrame.paddingLength(buffer, at, inDecrypted - at);
            if (RpcFrame.NEED_MORE == padding)
            {
                break;
            }
            at += padding;
            final int length = RpcFrame.readLength(buffer, at, inDecrypted - at);
            if (RpcFrame.NEED_MORE == length)
            {
                break;
            }
            if (RpcFrame.MALFORMED == length)
            {
                close("malformed frame");
                return;
            }
            final int seq = buffer.getInt(at + 4, ByteOrder.LITTLE_ENDIAN);
            final int expectedCrc = buffer.getInt(at + length - RpcFrame.TRAILER_LENGTH, ByteOrder.LITTLE_ENDIAN);
            if (seq != inSeq || !RpcFrame.hasValidCrc(in.view(at, at + length - RpcFrame.TRAILER_LENGTH),
                expectedCrc, crc))
            {
                close(seq != inSeq ? "unexpected sequence number " + seq : "bad CRC");
                return;
            }
            inSeq++;
            onFrame(buffer, at + RpcFrame.HEADER_LENGTH, length - RpcFrame.HEADER_LENGTH - RpcFrame.TRAILER_LENGTH);
            at += length;
        }
        if (at > 0 && State.CLOSED != state)
        {
            buffer.putBytes(0, buffer, at, inEnd - at);
            inEnd -= at;
            inDecrypted -= at;
        }
    }

    private void onFrame(final UnsafeBuffer buffer, final int offset, final int length) throws IOException
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
                cancelHandshakeTimer();
                LOG.log(System.Logger.Level.DEBUG, "middle proxy ready address={0} clients={1}", address,
                    clients.size());
                wakeWaiting();
                return;
            default:
                break;
        }
        if (Rpc.PROXY_ANS == constructor && length >= Rpc.PROXY_ANS_HEADER_LENGTH)
        {
            final Session client = clients.get(buffer.getLong(offset + 8, ByteOrder.LITTLE_ENDIAN));
            if (null != client)
            {
                client.onMiddleAnswer(buffer, offset + Rpc.PROXY_ANS_HEADER_LENGTH,
                    length - Rpc.PROXY_ANS_HEADER_LENGTH);
            }
        }
        else if (Rpc.SIMPLE_ACK == constructor && length >= 16)
        {
            final Session client = clients.get(buffer.getLong(offset + 4, ByteOrder.LITTLE_ENDIAN));
            if (null != client)
            {
                client.onMiddleQuickAck(buffer, offset + 12);
            }
        }
        else if ((Rpc.CLOSE_EXT == constructor || Rpc.CLOSE_CONN == constructor) && length >= 12)
        {
            final long connId = buffer.getLong(offset + 4, ByteOrder.LITTLE_ENDIAN);
            final Session client = clients.remove(connId);
            if (null != client)
            {
                client.close(CloseReason.DONE);
            }
            if (clients.isEmpty())
            {
                close("no clients left");
            }
        }
        else if (Rpc.PING == constructor && length >= 12)
        {
            final byte[] pong = RpcMessages.pong(buffer.getLong(offset + 4, ByteOrder.LITTLE_ENDIAN));
            sendPayload(pong, 0, pong.length, null, 0, 0);
        }
        else
        {
            close("unknown message " + Integer.toHexString(constructor));
        }
    }

    private void onNonceAnswer(final byte[] payload) throws IOException
    {
        final byte[] serverNonce = RpcMessages.serverNonce(payload, directory.proxySecret());
        if (null == serverNonce)
        {
            close("bad nonce answer");
            return;
        }
        final InetSocketAddress local = (InetSocketAddress)channel.getLocalAddress();
        final InetAddress localIp = local.getAddress();
        final InetAddress ourIp = null != directory.publicIpv4() && localIp instanceof Inet4Address ?
            directory.publicIpv4() : localIp;
        final boolean ipv6 = !(address.getAddress() instanceof Inet4Address);
        final byte[] serverIp = ipv6 ? null : address.getAddress().getAddress();
        final byte[] clientIp = ipv6 ? null : ourIp.getAddress();
        final byte[] clientIp6 = ipv6 ? localIp.getAddress() : null;
        final byte[] serverIp6 = ipv6 ? address.getAddress().getAddress() : null;
        final byte[] writeKeyIv = RpcKeys.derive(serverNonce, clientNonce, cryptoTs, serverIp, local.getPort(), true,
            clientIp, address.getPort(), directory.proxySecret(), clientIp6, serverIp6);
        final byte[] readKeyIv = RpcKeys.derive(serverNonce, clientNonce, cryptoTs, serverIp, local.getPort(), false,
            clientIp, address.getPort(), directory.proxySecret(), clientIp6, serverIp6);
        encrypt = new AesCbc(java.util.Arrays.copyOf(writeKeyIv, 32), java.util.Arrays.copyOfRange(writeKeyIv, 32, 48),
            true);
        decrypt = new AesCbc(java.util.Arrays.copyOf(readKeyIv, 32), java.util.Arrays.copyOfRange(readKeyIv, 32, 48),
            false);
        state = State.HANDSHAKE_SENT;
        final byte[] handshake = RpcMessages.handshake();
        inDecrypted = inEnd; // nothing after the nonce answer has arrived yet that is not encrypted
        sendPayload(handshake, 0, handshake.length, null, 0, 0);
    }

    private static byte[] bytes(final UnsafeBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    /**
     * Drop the connection and every client on it.
     */
    void close(final String why)
    {
        if (State.CLOSED == state)
        {
            return;
        }
        state = State.CLOSED;
        cancelHandshakeTimer();
        reactor.counters().onTelegramClosed(dcLabel());
        LOG.log(System.Logger.Level.DEBUG, "middle proxy connection closed address={0} clients={1} reason={2}",
            address, clients.size(), why);
        try
        {
            channel.close();
        }
        catch (final IOException ignore)
        {
            // closing anyway
        }
        reactor.arena().release(out);
        reactor.arena().release(in);
        owner.onClosed(this);
        final List<Session> orphans = new ArrayList<>(clients.values());
        clients.clear();
        waiting.clear();
        for (final Session client : orphans)
        {
            client.close(CloseReason.IO_ERROR);
        }
    }
}
