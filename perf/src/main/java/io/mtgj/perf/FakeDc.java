package io.mtgj.perf;

import io.mtgj.crypto.AesCtr;
import io.mtgj.obfuscated2.HandshakeFrame;
import io.mtgj.obfuscated2.ServerHandshake;
import io.mtgj.transport.PacketFraming;
import io.mtgj.transport.ProtocolTag;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for a Telegram DC on loopback: reads the proxy's obfuscated2 frame (no secret on this leg), then
 * answers every transport packet deterministically by echoing it. Packets whose payload starts with a command
 * change that: {@link #CLOSE_COMMAND} closes the connection (tests watch a DC leave mid-stream),
 * {@link #BULK_COMMAND} followed by a little-endian 64-bit count streams that many bytes back (download
 * throughput), {@link #SINK_COMMAND} swallows everything after it without decrypting (upload throughput). Thread per
 * connection: it is a fixture, not the thing under test.
 */
public final class FakeDc implements AutoCloseable
{
    /** Payload prefix that asks the fake DC to close the connection. */
    public static final byte[] CLOSE_COMMAND = "mtg:close".getBytes(StandardCharsets.US_ASCII);
    /** Payload prefix, then LE64 byte count: stream that many bytes back in packets. */
    public static final byte[] BULK_COMMAND = "mtg:bulk".getBytes(StandardCharsets.US_ASCII);
    /** Payload prefix: count and drop every byte that follows. */
    public static final byte[] SINK_COMMAND = "mtg:sink".getBytes(StandardCharsets.US_ASCII);
    /** Payload bytes per packet when streaming. */
    public static final int BULK_PACKET_LENGTH = 64 * 1024;

    private final int sendBufferBytes;
    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong closedConnections = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();
    private final AtomicLong packetsEchoed = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final Set<Short> dcIndexesSeen = ConcurrentHashMap.newKeySet();
    private final Set<ProtocolTag> tagsSeen = ConcurrentHashMap.newKeySet();
    private final Set<java.net.InetAddress> peersSeen = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;

    private FakeDc(final ServerSocket server, final int sendBufferBytes)
    {
        this.server = server;
        this.sendBufferBytes = sendBufferBytes;
        this.acceptor = new Thread(this::acceptLoop, "fake-dc-acceptor");
        this.acceptor.setDaemon(true);
    }

    /**
     * @param bind where to listen; port 0 picks a free one.
     * @return the running fake DC.
     * @throws IOException when binding fails.
     */
    public static FakeDc start(final InetSocketAddress bind) throws IOException
    {
        return start(bind, 0);
    }

    /**
     * @param bind            where to listen; port 0 picks a free one.
     * @param sendBufferBytes the kernel send buffer of each connection, fixed; 0 leaves it to the kernel's tuning.
     *                        On a test machine the DC's buffers sit in the same kernel as the proxy's: streaming to
     *                        hundreds of clients that do not read, autotuned ones grow to megabytes each and put the
     *                        whole host under TCP memory pressure, which a real, remote DC would not.
     * @return the running fake DC.
     * @throws IOException when binding fails.
     */
    public static FakeDc start(final InetSocketAddress bind, final int sendBufferBytes) throws IOException
    {
        final ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(bind, 1024);
        final FakeDc dc = new FakeDc(server, sendBufferBytes);
        dc.acceptor.start();
        return dc;
    }

    /**
     * @return the listening address.
     */
    public InetSocketAddress address()
    {
        return (InetSocketAddress)server.getLocalSocketAddress();
    }

    /**
     * @return connections accepted so far.
     */
    public long connections()
    {
        return connections.get();
    }

    /**
     * @return connections that ended.
     */
    public long closedConnections()
    {
        return closedConnections.get();
    }

    /**
     * @return every byte received on every connection, frames included.
     */
    public long bytesReceived()
    {
        return bytesReceived.get();
    }

    /**
     * @return bytes written on every connection.
     */
    public long bytesSent()
    {
        return bytesSent.get();
    }

    /**
     * @return packets answered.
     */
    public long packetsEchoed()
    {
        return packetsEchoed.get();
    }

    /**
     * @return DC indexes announced in proxies' frames.
     */
    public Set<Short> dcIndexesSeen()
    {
        return dcIndexesSeen;
    }

    /**
     * @return the addresses connections came from (a SOCKS server's outgoing address, when the proxy uses one).
     */
    public Set<java.net.InetAddress> peersSeen()
    {
        return peersSeen;
    }

    /**
     * @return transports announced in proxies' frames.
     */
    public Set<ProtocolTag> tagsSeen()
    {
        return tagsSeen;
    }

    private void acceptLoop()
    {
        while (running)
        {
            try
            {
                final Socket socket = server.accept();
                if (sendBufferBytes > 0)
                {
                    socket.setSendBufferSize(sendBufferBytes);
                }
                connections.incrementAndGet();
                peersSeen.add(socket.getInetAddress());
                open.add(socket);
                final Thread worker = new Thread(() -> serve(socket), "fake-dc-conn");
                worker.setDaemon(true);
                worker.start();
            }
            catch (final IOException ex)
            {
                return;
            }
        }
    }

    private void serve(final Socket socket)
    {
        try (socket)
        {
            socket.setTcpNoDelay(true);
            final CountingInput in = new CountingInput(socket.getInputStream(), bytesReceived);
            final DataInputStream data = new DataInputStream(in);
            final OutputStream out = socket.getOutputStream();
            final byte[] frame = new byte[HandshakeFrame.LENGTH];
            data.readFully(frame);
            final ServerHandshake handshake = ServerHandshake.accept(frame, 0, null);
            final ProtocolTag tag = ProtocolTag.fromWire(handshake.tagWire());
            if (null == tag)
            {
                return;
            }
            tagsSeen.add(tag);
            dcIndexesSeen.add(handshake.dc());
            echoPackets(tag, data, out, handshake.decryptor(), handshake.encryptor());
        }
        catch (final EOFException | SocketException ex)
        {
            // the proxy went away: that is how connections end
        }
        catch (final IOException ex)
        {
            // same
        }
        finally
        {
            open.remove(socket);
            closedConnections.incrementAndGet();
        }
    }

    private void echoPackets(final ProtocolTag tag, final DataInputStream data, final OutputStream out,
        final AesCtr decryptor, final AesCtr encryptor) throws IOException
    {
        final byte[] header = new byte[4];
        final byte[] plainHeader = new byte[4];
        while (true)
        {
            final int first = data.read();
            if (first < 0)
            {
                return;
            }
            header[0] = (byte)first;
            decryptor.update(header, 0, 1, plainHeader, 0);
            int headerLength = 1;
            if (PacketFraming.NEED_MORE == PacketFraming.headerLength(tag, plainHeader, 0, 1))
            {
                data.readFully(header, 1, 3);
                decryptor.update(header, 1, 3, plainHeader, 1);
                headerLength = 4;
            }
            final int bodyLength = PacketFraming.bodyLength(tag, plainHeader, 0);
            if (bodyLength > PacketFraming.MAX_PACKET_LENGTH + 16)
            {
                return;
            }
            final byte[] body = new byte[bodyLength];
            data.readFully(body);
            final byte[] plainBody = decryptor.process(body);
            if (startsWith(plainBody, CLOSE_COMMAND))
            {
                return;
            }
            if (startsWith(plainBody, SINK_COMMAND))
            {
                drain(data);
                return;
            }
            if (startsWith(plainBody, BULK_COMMAND) && plainBody.length >= BULK_COMMAND.length + 8)
            {
                stream(tag, out, encryptor, readLe64(plainBody, BULK_COMMAND.length));
                continue;
            }
            final byte[] packet = new byte[headerLength + bodyLength];
            System.arraycopy(plainHeader, 0, packet, 0, headerLength);
            System.arraycopy(plainBody, 0, packet, headerLength, bodyLength);
            out.write(encryptor.process(packet));
            out.flush();
            bytesSent.addAndGet(packet.length);
            packetsEchoed.incrementAndGet();
        }
    }

    private static void drain(final DataInputStream data) throws IOException
    {
        final byte[] sink = new byte[BULK_PACKET_LENGTH];
        while (data.read(sink) >= 0)
        {
            // counted by CountingInput
        }
    }

    private void stream(final ProtocolTag tag, final OutputStream out, final AesCtr encryptor, final long total)
        throws IOException
    {
        final byte[] packet = PacketFraming.encode(tag, new byte[BULK_PACKET_LENGTH], new java.util.Random(0));
        final byte[] wire = new byte[packet.length];
        long left = total;
        while (left > 0)
        {
            // Whole packets only: the client counts payload; the last one may exceed the request by < 64 KiB.
            encryptor.update(packet, 0, packet.length, wire, 0);
            out.write(wire);
            bytesSent.addAndGet(wire.length);
            left -= BULK_PACKET_LENGTH;
        }
        out.flush();
    }

    private static long readLe64(final byte[] bytes, final int offset)
    {
        long value = 0;
        for (int i = 7; i >= 0; i--)
        {
            value = value << 8 | (bytes[offset + i] & 0xff);
        }
        return value;
    }

    private static boolean startsWith(final byte[] bytes, final byte[] prefix)
    {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    @Override
    public void close() throws IOException
    {
        running = false;
        server.close();
        for (final Socket socket : open)
        {
            socket.close();
        }
    }

    /**
     * Counts bytes as they are read.
     */
    private static final class CountingInput extends java.io.FilterInputStream
    {
        private final AtomicLong counter;

        CountingInput(final java.io.InputStream in, final AtomicLong counter)
        {
            super(in);
            this.counter = counter;
        }

        @Override
        public int read() throws IOException
        {
            final int b = super.read();
            if (b >= 0)
            {
                counter.incrementAndGet();
            }
            return b;
        }

        @Override
        public int read(final byte[] b, final int off, final int len) throws IOException
        {
            final int n = super.read(b, off, len);
            if (n > 0)
            {
                counter.addAndGet(n);
            }
            return n;
        }
    }
}
