package io.mtgj.middle;

import io.mtgj.middle.rpc.Rpc;
import io.mtgj.middle.rpc.RpcMessages;
import io.mtgj.net.CloseReason;
import io.mtgj.net.LinkedClient;
import io.mtgj.net.PooledBuffer;
import io.mtgj.net.RelayPipe;
import io.mtgj.net.UpstreamLink;
import io.mtgj.transport.PacketFraming;
import io.mtgj.transport.ProtocolTag;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A client's side of promoted-channel mode (protocol.md 7.8): cuts the client's decrypted stream into transport
 * packets and offers each to the shared middle-proxy connection as RPC_PROXY_REQ; frames the answers routed back
 * to it in the client's transport straight into its pipe. Only what the pipe cannot take yet is queued on the heap,
 * bounded, so a slow client is closed rather than stalling the others on its connection; an idle client holds no
 * buffer at all, only its connection id and its request header.
 * <p>
 * The connection works in small off-heap chunks, so a packet whose request does not fit one is gathered here on the
 * heap and read from there piece by piece, and an answer larger than one arrives in parts
 * ({@link #beginAnswer}, {@link #answerPart}, {@link #endAnswer}), each queued as it comes: the queue's bound holds
 * for an answer of any size, whose rest is then skipped by the connection.
 * <p>
 * Its heap arrays, the answer queue and a large packet being gathered (until the connection has sent it), are
 * charged to its reactor, whose clients together may hold
 * {@link io.mtgj.config.MiddleProxySettings#heapBytesPerWorker()}: a flood of clients that announce large packets or
 * stop reading their answers is closed rather than filling the heap.
 */
final class MiddleClient implements UpstreamLink
{
    /** Queued answer bytes a client may fall behind by before it is closed. */
    static final int MAX_PENDING_BYTES = 2 * (PacketFraming.MAX_PACKET_LENGTH + 64);
    /** The smallest answer queue allocated, when one is needed at all. */
    private static final int MIN_PENDING_BYTES = 4096;

    private final MiddlePools pools;
    private final LinkedClient session;
    private final MiddleConnection connection;
    private final long connId;
    private final ProtocolTag tag;
    private final byte[] requestHeader = new byte[Rpc.PROXY_REQ_HEADER_LENGTH];
    /** Whether it sits in its connection's line of clients waiting for room; the connection keeps it. */
    boolean queuedForRoom;
    private byte[] staging;
    private int stagingFill;
    private boolean stagingQuickAck;
    /** Answer bytes the pipe could not take yet, {@code [pendingStart, pendingEnd)}; null when none. */
    private byte[] pending;
    private long charged;
    private int pendingStart;
    private int pendingEnd;
    private boolean waitingForRoom;
    private boolean detached;
    private int answerPadding;

    MiddleClient(final MiddlePools pools, final LinkedClient session, final MiddleConnection connection,
        final ProtocolTag tag, final InetSocketAddress client, final InetSocketAddress local, final byte[] adTag)
    {
        this.pools = pools;
        this.session = session;
        this.connection = connection;
        this.connId = connection.attach(this);
        this.tag = tag;
        RpcMessages.writeProxyRequestHeader(requestHeader, 0, 0, connId,
            RpcMessages.ipv6Form(client.getAddress()), client.getPort(),
            RpcMessages.ipv6Form(local.getAddress()), local.getPort(), adTag);
    }

    /**
     * Offer every complete packet in {@code [start, payloadEnd)} of the client's pipe; keep the rest.
     *
     * @return null, or why the client must be closed: {@link CloseReason#BAD_HANDSHAKE} when it sent something that
     *         is not a packet of its transport, {@link CloseReason#OVERLOADED} when its large packet finds no heap.
     */
    @Override
    public CloseReason forward()
    {
        final RelayPipe pipe = session.fromClient();
        waitingForRoom = false;
        while (!detached)
        {
            if (null != staging && !offerStaged(pipe))
            {
                return null;
            }
            final PooledBuffer buffer = pipe.buffer();
            if (null == buffer || detached)
            {
                return null;
            }
            final CloseReason failure = forwardFrom(pipe, buffer);
            if (null != failure || null == staging || detached)
            {
                return failure;
            }
        }
        return null;
    }

    /**
     * Offer the whole packets of the pipe that fit a chunk of the middle-proxy connection, up to one that must be
     * gathered aside (then {@link #staging} is set and the pipe consumed up to its body).
     */
    private CloseReason forwardFrom(final RelayPipe pipe, final PooledBuffer buffer)
    {
        final UnsafeBuffer bytes = buffer.buffer();
        final byte[] packetHeader = pools.packetHeader();
        int at = pipe.start();
        final int end = pipe.payloadEnd();
        while (at < end && !waitingForRoom && !detached)
        {
            bytes.getBytes(at, packetHeader, 0, Math.min(4, end - at));
            final int headerLength = PacketFraming.headerLength(tag, packetHeader, 0, end - at);
            if (PacketFraming.NEED_MORE == headerLength)
            {
                break;
            }
            final int bodyLength = PacketFraming.bodyLength(tag, packetHeader, 0);
            final boolean quickAck = PacketFraming.isQuickAckRequested(tag, packetHeader, 0);
            if (bodyLength > PacketFraming.MAX_PACKET_LENGTH + 16)
            {
                return CloseReason.BAD_HANDSHAKE;
            }
            // Padded intermediate: trailing len % 4 bytes are padding (protocol.md 2.6).
            final int packetLength = ProtocolTag.PADDED_INTERMEDIATE == tag ? bodyLength & ~3 : bodyLength;
            if (0 != (packetLength & 3))
            {
                return CloseReason.BAD_HANDSHAKE; // MTProto packets are whole words, and so are RPC payloads
            }
            final boolean whole = end - at >= headerLength + bodyLength;
            if (whole && !MiddleConnection.isStreamed(Rpc.PROXY_REQ_HEADER_LENGTH + packetLength))
            {
                final byte[] packet = pools.scratch(packetLength, 2);
                bytes.getBytes(at + headerLength, packet, 0, packetLength);
                if (!offer(packet, packetLength, quickAck))
                {
                    if (!connection.isReady() && connection.isOpen() && charge(charged + bodyLength))
                    {
                        // The connection is still being set up, perhaps waiting for a chunk of the very arena this
                        // buffer holds: a burst of new clients must not pin it all. The packet waits on the heap.
                        staging = new byte[bodyLength];
                        bytes.getBytes(at + headerLength, staging, 0, bodyLength);
                        stagingFill = bodyLength;
                        stagingQuickAck = quickAck;
                        at += headerLength + bodyLength;
                    }
                    break;
                }
                at += headerLength + bodyLength;
            }
            else if (whole || headerLength + bodyLength > buffer.capacity() - at)
            {
                // Larger than a chunk of the middle-proxy connection, which then reads it piece by piece while it
                // stays put, or than the room the buffer has for it: gathered aside on the heap, bounded by the
                // packet limit and the reactor's allowance.
                if (!charge(charged + bodyLength))
                {
                    return CloseReason.OVERLOADED;
                }
                staging = new byte[bodyLength];
                stagingQuickAck = quickAck;
                stagingFill = 0;
                pipe.consumed(at + headerLength);
                return null;
            }
            else
            {
                break;
            }
        }
        if (!detached)
        {
            pipe.consumed(at);
        }
        return null;
    }

    /**
     * Fill the staged large packet from the pipe and offer it once whole.
     *
     * @return whether the staging area is free again.
     */
    private boolean offerStaged(final RelayPipe pipe)
    {
        final int available = pipe.payloadEnd() - pipe.start();
        final int n = Math.min(staging.length - stagingFill, available);
        if (n > 0)
        {
            pipe.buffer().buffer().getBytes(pipe.start(), staging, stagingFill, n);
            stagingFill += n;
            pipe.consumed(pipe.start() + n);
        }
        if (stagingFill < staging.length)
        {
            return false;
        }
        final byte[] packet = staging;
        final int packetLength = ProtocolTag.PADDED_INTERMEDIATE == tag ? packet.length & ~3 : packet.length;
        if (!offer(packet, packetLength, stagingQuickAck))
        {
            return false;
        }
        staging = null;
        // The connection may still be reading the array: its charge goes there, or back to the reactor.
        charged -= packet.length;
        connection.adoptHeap(packet, packet.length);
        return true;
    }

    private boolean offer(final byte[] packet, final int length, final boolean quickAck)
    {
        boolean notEncrypted = length >= 8;
        for (int i = 0; i < 8 && notEncrypted; i++)
        {
            notEncrypted = 0 == packet[i];
        }
        final int flags = RpcMessages.proxyRequestFlags(tag, quickAck, notEncrypted);
        requestHeader[4] = (byte)flags;
        requestHeader[5] = (byte)(flags >>> 8);
        requestHeader[6] = (byte)(flags >>> 16);
        requestHeader[7] = (byte)(flags >>> 24);
        if (!connection.offer(this, requestHeader, packet, 0, length))
        {
            waitingForRoom = true;
            return false;
        }
        return true;
    }

    /**
     * An answer for the client, whole: frame it in its transport and pass it on.
     */
    void onAnswer(final UnsafeBuffer buffer, final int offset, final int length)
    {
        if (beginAnswer(length) && answerPart(buffer, offset, length))
        {
            endAnswer();
        }
    }

    /**
     * An answer begins: its transport header goes to the client now, since it holds the total length; the payload
     * follows in {@link #answerPart}s (several when it is larger than a chunk of the connection), then
     * {@link #endAnswer}.
     *
     * @param length payload bytes to come.
     * @return false when the client is closed (now, being too far behind, or before): the rest is not for it.
     */
    boolean beginAnswer(final int length)
    {
        if (!session.isOpen())
        {
            return false;
        }
        session.onUpstreamActivity();
        answerPadding = ProtocolTag.PADDED_INTERMEDIATE == tag ? ThreadLocalRandom.current().nextInt(4) : 0;
        final byte[] header = pools.packetHeader();
        return emit(pools.packetHeaderView(), 0, PacketFraming.writeHeader(tag, length, answerPadding, header, 0));
    }

    /**
     * The next piece of the answer begun with {@link #beginAnswer}.
     *
     * @return false when the client is closed.
     */
    boolean answerPart(final UnsafeBuffer buffer, final int offset, final int length)
    {
        if (!session.isOpen() || !emit(buffer, offset, length))
        {
            return false;
        }
        session.deliver();
        return session.isOpen();
    }

    /**
     * The answer begun with {@link #beginAnswer} is complete (and its CRC checked): its padding follows.
     */
    void endAnswer()
    {
        if (!session.isOpen() || 0 == answerPadding)
        {
            return;
        }
        final byte[] padding = pools.packetHeader();
        for (int i = 0; i < answerPadding; i++)
        {
            padding[i] = (byte)ThreadLocalRandom.current().nextInt(256);
        }
        if (emit(pools.packetHeaderView(), 0, answerPadding))
        {
            session.deliver();
        }
    }

    /**
     * A quick ack for the client (protocol.md 2.6): abridged gets the confirm bytes reversed, the others as they came.
     */
    void onQuickAck(final UnsafeBuffer buffer, final int offset)
    {
        if (!session.isOpen())
        {
            return;
        }
        final byte[] confirm = pools.packetHeader();
        for (int i = 0; i < 4; i++)
        {
            confirm[i] = buffer.getByte(offset + (ProtocolTag.ABRIDGED == tag ? 3 - i : i));
        }
        if (emit(pools.packetHeaderView(), 0, 4))
        {
            session.deliver();
        }
    }

    /**
     * Bytes for the client: into its pipe as far as it takes them, the rest behind what is queued.
     *
     * @return false when the client was closed for being too far behind.
     */
    private boolean emit(final DirectBuffer src, final int offset, final int length)
    {
        int at = offset;
        int left = length;
        if (pendingEnd == pendingStart)
        {
            final RelayPipe pipe = session.toClient();
            int n;
            while (left > 0 && (n = pipe.append(src, at, left)) > 0)
            {
                at += n;
                left -= n;
            }
        }
        if (left > 0)
        {
            if (!reserve(left))
            {
                session.close(CloseReason.SLOW_CLIENT);
                return false;
            }
            src.getBytes(at, pending, pendingEnd, left);
            pendingEnd += left;
        }
        return true;
    }

    /**
     * Make room for {@code length} more queued bytes, allocating or growing the queue within the bounds.
     *
     * @return false when the client would be too far behind, or the reactor's clients hold their whole allowance.
     */
    private boolean reserve(final int length)
    {
        final int live = pendingEnd - pendingStart;
        if (live + length > MAX_PENDING_BYTES)
        {
            return false;
        }
        final int capacity = null == pending ? 0 : pending.length;
        if (capacity - pendingEnd >= length)
        {
            return true;
        }
        final int wanted = live + length > capacity ?
            Math.min(MAX_PENDING_BYTES, Math.max(Math.max(MIN_PENDING_BYTES, capacity * 2), live + length)) : capacity;
        if (!charge(charged + wanted - capacity))
        {
            return false;
        }
        final byte[] grown = wanted > capacity ? new byte[wanted] : pending;
        if (live > 0)
        {
            System.arraycopy(pending, pendingStart, grown, 0, live);
        }
        pending = grown;
        pendingStart = 0;
        pendingEnd = live;
        return true;
    }

    /**
     * Move queued answers into the client's pipe (which encrypts and frames them) and write.
     */
    @Override
    public void pumpToClient() throws IOException
    {
        final RelayPipe pipe = session.toClient();
        pipe.flush();
        while (pendingEnd > pendingStart)
        {
            final int n = pipe.append(pending, pendingStart, pendingEnd - pendingStart);
            if (0 == n)
            {
                break;
            }
            pendingStart += n;
            pipe.flush();
        }
        if (null != pending && pendingStart == pendingEnd)
        {
            // caught up: the queue's memory goes back, so an idle client holds none
            charge(charged - pending.length);
            pending = null;
            pendingStart = 0;
            pendingEnd = 0;
        }
    }

    /**
     * The connection has room again: offer what waited.
     */
    void resumeForwarding()
    {
        session.resumeForwarding();
    }

    /**
     * Close the client's session (the connection broke, or the middle proxy closed it).
     */
    void closeSession(final CloseReason reason)
    {
        session.close(reason);
    }

    @Override
    public boolean isWaitingForRoom()
    {
        return waitingForRoom;
    }

    @Override
    public void detach()
    {
        detached = true;
        connection.detach(connId);
        charge(0);
        staging = null;
        pending = null;
    }

    /**
     * Move this client's charge on its reactor's heap allowance to {@code bytes}.
     *
     * @return false, changing nothing, when a rise does not fit the allowance; a fall always succeeds.
     */
    private boolean charge(final long bytes)
    {
        if (bytes > charged && !pools.takeHeap(bytes - charged))
        {
            return false;
        }
        if (bytes < charged)
        {
            pools.giveHeap(charged - bytes);
        }
        charged = bytes;
        return true;
    }
}
