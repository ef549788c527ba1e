package io.mtgj.net;

import io.mtgj.rpc.Rpc;
import io.mtgj.rpc.RpcMessages;
import io.mtgj.transport.PacketFraming;
import io.mtgj.transport.ProtocolTag;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A client's side of promoted-channel mode (protocol.md 7.8): cuts the client's decrypted stream into transport
 * packets and offers each to the shared middle-proxy connection as RPC_PROXY_REQ; frames the answers routed back
 * to it in the client's transport and queues them for the client, bounded, so a slow client is closed rather than
 * stalling the others on its connection.
 * <p>
 * The connection works in small off-heap chunks, so a packet whose request does not fit one is gathered here on the
 * heap and read from there piece by piece, and an answer larger than one arrives in parts
 * ({@link #beginAnswer}, {@link #answerPart}, {@link #endAnswer}), each queued as it comes: the queue's bound holds
 * for an answer of any size, whose rest is then skipped by the connection.
 * <p>
 * Its heap arrays, the answer queue beyond its first {@value #INITIAL_PENDING_BYTES} bytes and a large packet being
 * gathered (until the connection has sent it), are charged to its reactor, whose clients together may hold
 * {@link #heapAllowance(int)}: a flood of clients that announce large packets or stop reading their answers is
 * closed rather than filling the heap.
 */
final class MiddleClient
{
    /** Queued answer bytes a client may fall behind by before it is closed. */
    static final int MAX_PENDING_BYTES = 2 * (PacketFraming.MAX_PACKET_LENGTH + 64);
    private static final int INITIAL_PENDING_BYTES = 4096;
    /** A quarter of the heap goes to the clients' queues and packets, split between the reactors. */
    private static final int HEAP_SHARE_DIVISOR = 4;

    private final Reactor reactor;

    private final Session session;
    private final MiddleConnection connection;
    private final long connId;
    private final ProtocolTag tag;
    private final byte[] requestHeader = new byte[Rpc.PROXY_REQ_HEADER_LENGTH];
    private final byte[] packetHeader = new byte[4];
    private byte[] staging;
    private int stagingFill;
    private boolean stagingQuickAck;
    private byte[] pending = new byte[INITIAL_PENDING_BYTES];
    private long charged;
    private int pendingStart;
    private int pendingEnd;
    private boolean waitingForRoom;
    private boolean detached;
    private int answerPadding;

    MiddleClient(final Reactor reactor, final Session session, final MiddleConnection connection,
        final ProtocolTag tag, final InetSocketAddress client, final InetSocketAddress local, final byte[] adTag)
    {
        this.reactor = reactor;
        this.session = session;
        this.connection = connection;
        this.connId = connection.attach(session);
        this.tag = tag;
        RpcMessages.writeProxyRequestHeader(requestHeader, 0, 0, connId,
            RpcMessages.ipv6Form(client.getAddress()), client.getPort(),
            RpcMessages.ipv6Form(local.getAddress()), local.getPort(), adTag);
    }

    long connId()
    {
        return connId;
    }

    MiddleConnection connection()
    {
        return connection;
    }

    /**
     * @param workers reactor threads.
     * @return heap bytes the promoted-channel clients of one reactor may hold beyond their first few KB: a quarter
     *         of the maximum heap split between the reactors, and at least one client's whole queue.
     */
    static long heapAllowance(final int workers)
    {
        return Math.max(MAX_PENDING_BYTES, Runtime.getRuntime().maxMemory() / HEAP_SHARE_DIVISOR / workers);
    }

    /**
     * Offer every complete packet in {@code [start, payloadEnd)} of the client's pipe; keep the rest.
     *
     * @return null, or why the client must be closed: {@link CloseReason#BAD_HANDSHAKE} when it sent something that
     *         is not a packet of its transport, {@link CloseReason#OVERLOADED} when its large packet finds no heap.
     */
    CloseReason forward(final Pipe pipe)
    {
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
    private CloseReason forwardFrom(final Pipe pipe, final PooledBuffer buffer)
    {
        final UnsafeBuffer bytes = buffer.buffer();
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
                final byte[] packet = reactor.middleScratch(packetLength, 2);
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
    private boolean offerStaged(final Pipe pipe)
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
        if (!connection.offer(session, requestHeader, packet, 0, length))
        {
            waitingForRoom = true;
            return false;
        }
        return true;
    }

    /**
     * An answer for the client: frame it in its transport and queue it.
     *
     * @return false when the client is too far behind and must be closed.
     */
    boolean onAnswer(final UnsafeBuffer buffer, final int offset, final int length)
    {
        return beginAnswer(length) && answerPart(buffer, offset, length) && endAnswer();
    }

    /**
     * An answer larger than a chunk of the middle-proxy connection begins: its transport header goes in the queue
     * now, since it holds the total length; the payload follows in {@link #answerPart}s, then {@link #endAnswer}.
     *
     * @param length payload bytes to come.
     * @return false when the client is too far behind and must be closed.
     */
    boolean beginAnswer(final int length)
    {
        answerPadding = ProtocolTag.PADDED_INTERMEDIATE == tag ? ThreadLocalRandom.current().nextInt(4) : 0;
        if (!reserve(PacketFraming.encodedHeaderLength(tag, length)))
        {
            return false;
        }
        pendingEnd += PacketFraming.writeHeader(tag, length, answerPadding, pending, pendingEnd);
        return true;
    }

    /**
     * The next piece of the answer begun with {@link #beginAnswer}.
     *
     * @return false when the client is too far behind and must be closed.
     */
    boolean answerPart(final UnsafeBuffer buffer, final int offset, final int length)
    {
        if (!reserve(length))
        {
            return false;
        }
        buffer.getBytes(offset, pending, pendingEnd, length);
        pendingEnd += length;
        return true;
    }

    /**
     * The answer begun with {@link #beginAnswer} is complete (and its CRC checked).
     *
     * @return false when the client is too far behind and must be closed.
     */
    boolean endAnswer()
    {
        if (!reserve(answerPadding))
        {
            return false;
        }
        for (int i = 0; i < answerPadding; i++)
        {
            pending[pendingEnd++] = (byte)ThreadLocalRandom.current().nextInt(256);
        }
        return true;
    }

    /**
     * A quick ack for the client (protocol.md 2.6): abridged gets the confirm bytes reversed, the others as they came.
     *
     * @return false when the client is too far behind.
     */
    boolean onQuickAck(final UnsafeBuffer buffer, final int offset)
    {
        if (!reserve(4))
        {
            return false;
        }
        for (int i = 0; i < 4; i++)
        {
            pending[pendingEnd + i] = buffer.getByte(offset + (ProtocolTag.ABRIDGED == tag ? 3 - i : i));
        }
        pendingEnd += 4;
        return true;
    }

    private boolean reserve(final int length)
    {
        if (pendingEnd - pendingStart + length > MAX_PENDING_BYTES)
        {
            return false;
        }
        if (pending.length - pendingEnd < length)
        {
            final int live = pendingEnd - pendingStart;
            final int capacity = live + length > pending.length ?
                Math.min(MAX_PENDING_BYTES, Math.max(pending.length * 2, live + length)) : pending.length;
            if (!charge(charged + capacity - pending.length))
            {
                return false;
            }
            final byte[] grown = capacity > pending.length ? new byte[capacity] : pending;
            System.arraycopy(pending, pendingStart, grown, 0, live);
            pending = grown;
            pendingStart = 0;
            pendingEnd = live;
        }
        return true;
    }

    /**
     * Move queued answers into the client's pipe (which encrypts and frames them) and write.
     */
    void pumpToClient(final Pipe pipe) throws IOException
    {
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
        if (pendingStart == pendingEnd)
        {
            pendingStart = 0;
            pendingEnd = 0;
            if (pending.length > 64 * 1024)
            {
                charge(charged - (pending.length - INITIAL_PENDING_BYTES));
                pending = new byte[INITIAL_PENDING_BYTES]; // a burst is over: give the memory back
            }
        }
        pipe.flush();
    }

    boolean isWaitingForRoom()
    {
        return waitingForRoom;
    }

    void detach()
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
        if (bytes > charged && !reactor.takeMiddleHeap(bytes - charged))
        {
            return false;
        }
        if (bytes < charged)
        {
            reactor.giveMiddleHeap(charged - bytes);
        }
        charged = bytes;
        return true;
    }
}
