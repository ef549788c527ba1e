package io.mtgj.perf.middle;

import io.mtgj.secret.Hex;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for a Telegram middle proxy (ME) on 127.0.0.1: the server side of protocol.md 7.3 to 7.7, written
 * from the document alone. Thread per connection reading, one more per connection writing (so a long bulk answer
 * never stops it reading, and answers keep their order).
 * <p>
 * Per connection: read the proxy's plaintext nonce frame (seq -2, 44 bytes, padded to 48 or not), check
 * {@code RPC_NONCE}, key selector (first 4 bytes of the proxy secret), schema 1 and CRC; answer with its own nonce
 * frame (padded to 48 unless told not to); derive the AES-256-CBC keys of 7.5 with the proxy as "client" (the
 * socket's remote IP, or the announced one, and its remote port) and this ME as "server" (the socket's local IP and
 * port); decrypt with the {@code CLIENT} keys and encrypt with the {@code SERVER} keys; read the handshake (seq -1,
 * flags 0, peer PID {@code IPIPPRPDTIME}; or as the official C proxy sends it: the CRC32-C flag, declined by answering
 * flags 0, and as peer PID this ME's IPv4 or 0 and its port, process id and time 0) and answer with its own PID and
 * the proxy's PID echoed; then seq 0, 1, 2, ... both ways.
 * Any broken frame or message is counted in {@link #protocolErrors()} and closes that connection. IPv4 only, since
 * it listens on 127.0.0.1.
 * <p>
 * Answers are deterministic. Each {@code RPC_PROXY_REQ} gets, when it asked for a quick ack, first an
 * {@code RPC_SIMPLE_ACK} whose confirm word is {@link #confirmFor(byte[])}; then an {@code RPC_PROXY_ANS} with flags
 * 0, the same conn id and the request's packet as payload (echo). A packet starting with a command changes that:
 * <ul>
 *     <li>{@link #CLOSE_COMMAND}: {@code RPC_CLOSE_EXT} for that conn id instead of the echo;</li>
 *     <li>{@link #DIE_COMMAND}: the whole TCP connection is reset at once, with nothing sent, quick ack included;</li>
 *     <li>{@link #HANG_COMMAND}: the ME hangs on that connection: it reads and answers nothing more (pings
 *     included) while the socket stays open, until the proxy closes it or {@value #MAX_HANG_S} s pass;</li>
 *     <li>{@link #PING_COMMAND}: an {@code RPC_PING} with a random id, then the echo; the proxy's {@code RPC_PONG}
 *     with that id is recorded in {@link #pongs()} and a pong with an unknown id is a protocol error;</li>
 *     <li>{@link #BULK_COMMAND} then LE64 {@code n}: instead of the echo, {@code n} bytes (rounded up to a multiple
 *     of 4) as {@code RPC_PROXY_ANS} payloads of {@link #BULK_PAYLOAD_LENGTH} bytes, the last one shorter; byte
 *     {@code k} of the stream is {@code (byte)k}. The stream stops early once the proxy sends {@code RPC_CLOSE_CONN}
 *     for that conn id, as a real ME forgets a closed client.</li>
 *     <li>{@link #HUGE_COMMAND} then LE64 {@code n}: instead of the echo, one {@code RPC_PROXY_ANS} whose payload is
 *     {@code n} bytes (rounded up to a multiple of 4, at most what a frame of {@code 2^24} bytes holds), byte
 *     {@code k} being {@code (byte)k}: a frame far larger than any buffer of the proxy.</li>
 * </ul>
 * The proxy's {@code RPC_PING}s are answered with {@code RPC_PONG}; its {@code RPC_CLOSE_CONN}s are recorded.
 */
public final class FakeMiddleProxy implements AutoCloseable
{
    /** Packet prefix: answer {@code RPC_CLOSE_EXT} for the request's conn id. */
    public static final byte[] CLOSE_COMMAND = "mtg:close".getBytes(StandardCharsets.US_ASCII);
    /** Packet prefix: reset the whole ME connection. */
    public static final byte[] DIE_COMMAND = "mtg:die".getBytes(StandardCharsets.US_ASCII);
    /** Packet prefix: hang the whole ME connection, open and silent. */
    public static final byte[] HANG_COMMAND = "mtg:hang".getBytes(StandardCharsets.US_ASCII);
    /** How long {@link #HANG_COMMAND} hangs at most before the connection is closed. */
    public static final int MAX_HANG_S = 30;
    /** Packet prefix: send an {@code RPC_PING} and expect the pong, then echo. */
    public static final byte[] PING_COMMAND = "mtg:ping".getBytes(StandardCharsets.US_ASCII);
    /** Packet prefix, then an LE64 byte count: stream that many bytes back. */
    public static final byte[] BULK_COMMAND = "mtg:bulk".getBytes(StandardCharsets.US_ASCII);
    /** Packet prefix, then an LE64 byte count: answer with a single frame of that many bytes. */
    public static final byte[] HUGE_COMMAND = "mtg:huge".getBytes(StandardCharsets.US_ASCII);
    /** The largest payload {@link #HUGE_COMMAND} answers with: a frame of {@code 2^24} bytes. */
    public static final int MAX_HUGE_LENGTH = RpcFrameWriter.MAX_FRAME_LENGTH - RpcFrameWriter.HEADER_LENGTH -
        RpcFrameWriter.CRC_LENGTH - RpcConstants.PROXY_ANS_HEADER_LENGTH;
    /** Payload bytes per {@code RPC_PROXY_ANS} when streaming. */
    public static final int BULK_PAYLOAD_LENGTH = 64 * 1024;
    /** A nonce whose {@code crypto_ts} is further than this from now is counted in {@link #nonceClockSkews()}. */
    public static final int NONCE_CLOCK_TOLERANCE_S = 30;
    /** How many of the latest requests {@link #recentRequests()} keeps. */
    public static final int RECENT_REQUESTS_KEPT = 256;
    /** How many leading packet bytes each kept request holds. */
    public static final int RECENT_PACKET_PREFIX_LENGTH = 64;

    private static final int MIN_SECRET_LENGTH = 32;
    private static final int MAX_SECRET_LENGTH = 256;
    private static final int ERROR_MESSAGES_KEPT = 100;
    private static final int STREAM_BUFFER_LENGTH = 64 * 1024;
    private static final int BULK_REQUEST_LENGTH = 16;
    private static final byte[] PLACEHOLDER_PID = RpcConstants.PLACEHOLDER_PID.getBytes(StandardCharsets.US_ASCII);

    private final byte[] secret;
    private final int keySelector;
    private final InetAddress announcedClientIp;
    private final boolean padNonceAnswer;
    private final ServerSocket server;
    private final Thread acceptor;
    private final SecureRandom random = new SecureRandom();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final AtomicLong connectionsAccepted = new AtomicLong();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicLong handshakesCompleted = new AtomicLong();
    private final AtomicLong framesReceived = new AtomicLong();
    private final AtomicLong framesSent = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong requestsWithoutAdTag = new AtomicLong();
    private final AtomicLong quickAckRequests = new AtomicLong();
    private final AtomicLong notEncryptedFlagMismatches = new AtomicLong();
    private final AtomicLong answersSent = new AtomicLong();
    private final AtomicLong simpleAcksSent = new AtomicLong();
    private final AtomicLong closeExtsSent = new AtomicLong();
    private final AtomicLong pingsSent = new AtomicLong();
    private final AtomicLong pingsReceived = new AtomicLong();
    private final AtomicLong pongsSent = new AtomicLong();
    private final AtomicLong bulkBytesSent = new AtomicLong();
    private final AtomicLong connectionsDied = new AtomicLong();
    private final AtomicLong connectionsHung = new AtomicLong();
    private final AtomicLong protocolErrors = new AtomicLong();
    private final AtomicLong nonceClockSkews = new AtomicLong();
    private final AtomicLong fixtureErrors = new AtomicLong();
    private final Set<String> adTagsSeen = ConcurrentHashMap.newKeySet();
    private final Set<java.net.InetAddress> peersSeen = ConcurrentHashMap.newKeySet();
    private final Set<Integer> flagsSeen = ConcurrentHashMap.newKeySet();
    private final List<String> pongs = new CopyOnWriteArrayList<>();
    private final List<String> closeConnsReceived = new CopyOnWriteArrayList<>();
    private final List<String> errorMessages = Collections.synchronizedList(new ArrayList<>());
    private final ArrayDeque<ProxyRequest> recentRequests = new ArrayDeque<>();
    private volatile boolean running = true;

    private FakeMiddleProxy(
        final byte[] secret,
        final InetAddress announcedClientIp,
        final boolean padNonceAnswer,
        final ServerSocket server)
    {
        this.secret = secret;
        this.padNonceAnswer = padNonceAnswer;
        this.keySelector = LittleEndian.getInt(secret, 0);
        this.announcedClientIp = announcedClientIp;
        this.server = server;
        this.acceptor = new Thread(this::acceptLoop, "fake-me-acceptor-" + server.getLocalPort());
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /**
     * Listen on 127.0.0.1 on a free port.
     *
     * @param proxySecret the proxy secret the proxy downloaded (getProxySecret), 32 to 256 bytes.
     * @return the running fake ME.
     * @throws IOException when binding fails.
     */
    public static FakeMiddleProxy start(final byte[] proxySecret) throws IOException
    {
        return start(proxySecret, null);
    }

    /**
     * Listen on 127.0.0.1 on a free port.
     *
     * @param proxySecret       the proxy secret, 32 to 256 bytes.
     * @param announcedClientIp the IPv4 address the proxy uses as its own in the key derivation (its public IP),
     *                          or null for the connection's remote address; the port is always the remote port.
     * @return the running fake ME.
     * @throws IOException when binding fails.
     */
    public static FakeMiddleProxy start(final byte[] proxySecret, final InetAddress announcedClientIp)
        throws IOException
    {
        return start(proxySecret, announcedClientIp, true);
    }

    /**
     * Listen on 127.0.0.1 on a free port.
     *
     * @param proxySecret       the proxy secret, 32 to 256 bytes.
     * @param announcedClientIp the IPv4 address the proxy uses as its own in the key derivation, or null for the
     *                          connection's remote address.
     * @param padNonceAnswer    true to pad the plaintext nonce answer to 48 bytes as mtg v1 and mtprotoproxy do;
     *                          false to send 44 bytes as the official MTProxy (so Telegram's real MEs) does.
     * @return the running fake ME.
     * @throws IOException when binding fails.
     */
    public static FakeMiddleProxy start(
        final byte[] proxySecret, final InetAddress announcedClientIp, final boolean padNonceAnswer)
        throws IOException
    {
        if (proxySecret.length < MIN_SECRET_LENGTH || proxySecret.length > MAX_SECRET_LENGTH)
        {
            throw new IllegalArgumentException("proxy secret must be 32..256 bytes, not " + proxySecret.length);
        }
        final ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[]{ 127, 0, 0, 1 }), 0), 128);
        return new FakeMiddleProxy(proxySecret.clone(), announcedClientIp, padNonceAnswer, server);
    }

    /**
     * The quick-ack confirm word sent for a packet: the first 4 bytes of SHA-256 of the packet, with the top bit of
     * the little-endian word (bit 7 of byte 3) set, as a real confirm has it so the client can tell it from a
     * length.
     *
     * @param packet the request's packet.
     * @return the 4 confirm bytes as they appear in {@code RPC_SIMPLE_ACK}.
     */
    public static byte[] confirmFor(final byte[] packet)
    {
        try
        {
            final byte[] confirm = Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(packet), 4);
            confirm[3] |= (byte)0x80;
            return confirm;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("SHA-256 unavailable", ex);
        }
    }

    /**
     * @param byteCount how many bytes to ask for.
     * @return a 16-byte packet: {@link #BULK_COMMAND} then {@code LE64(byteCount)}.
     */
    public static byte[] bulkPacket(final long byteCount)
    {
        final byte[] packet = new byte[BULK_REQUEST_LENGTH];
        System.arraycopy(BULK_COMMAND, 0, packet, 0, BULK_COMMAND.length);
        LittleEndian.putLong(packet, BULK_COMMAND.length, byteCount);
        return packet;
    }

    /**
     * @param byteCount payload bytes of the one answer to ask for, at most {@link #MAX_HUGE_LENGTH}.
     * @return a 16-byte packet: {@link #HUGE_COMMAND} then {@code LE64(byteCount)}.
     */
    public static byte[] hugePacket(final long byteCount)
    {
        final byte[] packet = new byte[BULK_REQUEST_LENGTH];
        System.arraycopy(HUGE_COMMAND, 0, packet, 0, HUGE_COMMAND.length);
        LittleEndian.putLong(packet, HUGE_COMMAND.length, byteCount);
        return packet;
    }

    /**
     * @param length payload bytes.
     * @return what {@link #HUGE_COMMAND} and {@link #BULK_COMMAND} answers carry: byte {@code k} is {@code (byte)k}.
     */
    public static byte[] pattern(final int length)
    {
        final byte[] pattern = new byte[length];
        for (int i = 0; i < length; i++)
        {
            pattern[i] = (byte)i;
        }
        return pattern;
    }

    /**
     * @param command one of the command prefixes, or any bytes.
     * @return the bytes zero-padded to a multiple of 4 (and at least 8), a packet every transport can carry.
     */
    public static byte[] commandPacket(final byte[] command)
    {
        return Arrays.copyOf(command, Math.max(8, (command.length + 3) & -4));
    }

    /**
     * @return the listening address (127.0.0.1 and the chosen port).
     */
    public InetSocketAddress address()
    {
        return (InetSocketAddress)server.getLocalSocketAddress();
    }

    /**
     * @return ME connections accepted so far.
     */
    public long connectionsAccepted()
    {
        return connectionsAccepted.get();
    }

    /**
     * @return ME connections open now.
     */
    public int openConnections()
    {
        return openConnections.get();
    }

    /**
     * @return connections that completed the nonce exchange and the handshake.
     */
    public long handshakesCompleted()
    {
        return handshakesCompleted.get();
    }

    /**
     * @return frames received and accepted (nonce and handshake included).
     */
    public long framesReceived()
    {
        return framesReceived.get();
    }

    /**
     * @return frames written (nonce and handshake included).
     */
    public long framesSent()
    {
        return framesSent.get();
    }

    /**
     * @return {@code RPC_PROXY_REQ}s received.
     */
    public long requests()
    {
        return requests.get();
    }

    /**
     * @return requests without an extra section or without a non-empty ad tag in it.
     */
    public long requestsWithoutAdTag()
    {
        return requestsWithoutAdTag.get();
    }

    /**
     * @return the addresses connections came from (a SOCKS server's outgoing address, when the proxy uses one).
     */
    public Set<java.net.InetAddress> peersSeen()
    {
        return peersSeen;
    }

    /**
     * @return every ad tag seen, as lower-case hex.
     */
    public Set<String> adTagsSeen()
    {
        return Set.copyOf(adTagsSeen);
    }

    /**
     * @return every distinct flags word seen in requests.
     */
    public Set<Integer> flagsSeen()
    {
        return Set.copyOf(flagsSeen);
    }

    /**
     * @return requests with the quick-ack flag.
     */
    public long quickAckRequests()
    {
        return quickAckRequests.get();
    }

    /**
     * @return requests whose "not encrypted" flag (2) disagrees with their packet: set without 8 leading zero bytes,
     *     or clear with them.
     */
    public long notEncryptedFlagMismatches()
    {
        return notEncryptedFlagMismatches.get();
    }

    /**
     * @return for each ME connection in accept order, the conn ids (hex of their wire bytes) its requests carried.
     */
    public List<Set<String>> connIdsPerConnection()
    {
        final List<Set<String>> result = new ArrayList<>();
        for (final Connection connection : connections)
        {
            result.add(Set.copyOf(connection.connIds));
        }
        return result;
    }

    /**
     * @return the latest {@link #RECENT_REQUESTS_KEPT} requests, oldest first, each packet cut to
     *     {@link #RECENT_PACKET_PREFIX_LENGTH} bytes.
     */
    public List<ProxyRequest> recentRequests()
    {
        synchronized (recentRequests)
        {
            return new ArrayList<>(recentRequests);
        }
    }

    /**
     * @return {@code RPC_PROXY_ANS} echoes and {@link #HUGE_COMMAND} answers written (bulk frames not included).
     */
    public long answersSent()
    {
        return answersSent.get();
    }

    /**
     * @return {@code RPC_SIMPLE_ACK}s written.
     */
    public long simpleAcksSent()
    {
        return simpleAcksSent.get();
    }

    /**
     * @return {@code RPC_CLOSE_EXT}s written.
     */
    public long closeExtsSent()
    {
        return closeExtsSent.get();
    }

    /**
     * @return {@code RPC_PING}s written.
     */
    public long pingsSent()
    {
        return pingsSent.get();
    }

    /**
     * @return ping ids (hex) whose {@code RPC_PONG} came back, in arrival order.
     */
    public List<String> pongs()
    {
        return List.copyOf(pongs);
    }

    /**
     * @return {@code RPC_PING}s the proxy sent (each answered with a pong).
     */
    public long pingsReceived()
    {
        return pingsReceived.get();
    }

    /**
     * @return conn ids (hex) of the proxy's {@code RPC_CLOSE_CONN}s, in arrival order.
     */
    public List<String> closeConnsReceived()
    {
        return List.copyOf(closeConnsReceived);
    }

    /**
     * @return packet bytes written by bulk answers.
     */
    public long bulkBytesSent()
    {
        return bulkBytesSent.get();
    }

    /**
     * @return connections hung by {@link #HANG_COMMAND}.
     */
    public long connectionsHung()
    {
        return connectionsHung.get();
    }

    /**
     * Read nothing more from the connection (its reader is this thread) and so answer nothing, until the peer's close
     * shows (a read would see it, but we do not read: polling the socket's state finds a local close only) or the
     * fake closes or {@link #MAX_HANG_S} pass.
     */
    private void hang(final Connection connection)
    {
        final long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(MAX_HANG_S);
        while (running && !connection.closed.get() && System.nanoTime() - until < 0)
        {
            try
            {
                Thread.sleep(50);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * @return connections reset by {@link #DIE_COMMAND}.
     */
    public long connectionsDied()
    {
        return connectionsDied.get();
    }

    /**
     * @return connections closed for breaking the protocol.
     */
    public long protocolErrors()
    {
        return protocolErrors.get();
    }

    /**
     * @return the first 100 protocol error descriptions, for assertion messages.
     */
    public List<String> protocolErrorMessages()
    {
        synchronized (errorMessages)
        {
            return List.copyOf(errorMessages);
        }
    }

    /**
     * @return nonces whose {@code crypto_ts} was more than {@link #NONCE_CLOCK_TOLERANCE_S} from this clock
     *     (counted, not refused).
     */
    public long nonceClockSkews()
    {
        return nonceClockSkews.get();
    }

    /**
     * @return unexpected exceptions in this fixture itself (should stay 0).
     */
    public long fixtureErrors()
    {
        return fixtureErrors.get();
    }

    /**
     * Reset every open ME connection at once; the listener keeps accepting.
     *
     * @return how many connections were dropped.
     */
    public int killAll()
    {
        int killed = 0;
        for (final Connection connection : connections)
        {
            if (connection.close(true))
            {
                killed++;
            }
        }
        return killed;
    }

    /**
     * Stop listening and reset every connection.
     */
    @Override
    public void close()
    {
        running = false;
        try
        {
            server.close();
        }
        catch (final IOException ignore)
        {
            // closing anyway
        }
        killAll();
    }

    private void acceptLoop()
    {
        while (running)
        {
            final Socket socket;
            try
            {
                socket = server.accept();
            }
            catch (final IOException ex)
            {
                return;
            }
            final Connection connection = new Connection(socket);
            connectionsAccepted.incrementAndGet();
            peersSeen.add(socket.getInetAddress());
            openConnections.incrementAndGet();
            connections.add(connection);
            if (!running)
            {
                connection.close(true);
            }
            final Thread reader = new Thread(() -> serve(connection), "fake-me-conn-" + socket.getPort());
            reader.setDaemon(true);
            reader.start();
        }
    }

    private void serve(final Connection connection)
    {
        final Socket socket = connection.socket;
        try
        {
            socket.setTcpNoDelay(true);
            final InputStream in = new BufferedInputStream(socket.getInputStream(), STREAM_BUFFER_LENGTH);
            final OutputStream out = new BufferedOutputStream(socket.getOutputStream(), STREAM_BUFFER_LENGTH);
            final RpcFrameReader reader = new RpcFrameReader(in, RpcConstants.SEQ_NONCE);
            final RpcFrameWriter writer = new RpcFrameWriter(RpcConstants.SEQ_NONCE, padNonceAnswer);
            handshake(socket, reader, writer, out);
            final Thread sender = new Thread(() -> writeLoop(connection, writer, out),
                "fake-me-writer-" + socket.getPort());
            sender.setDaemon(true);
            sender.start();
            boolean more = true;
            while (more)
            {
                final byte[] message = reader.read();
                framesReceived.incrementAndGet();
                more = dispatch(connection, message);
            }
        }
        catch (final RpcProtocolException ex)
        {
            protocolError(ex.getMessage());
        }
        catch (final IOException ex)
        {
            // the proxy went away, or this side closed the socket
        }
        catch (final RuntimeException ex)
        {
            fixtureErrors.incrementAndGet();
            recordError("fixture error: " + ex);
        }
        finally
        {
            connection.close(false);
            openConnections.decrementAndGet();
        }
    }

    private void handshake(
        final Socket socket, final RpcFrameReader reader, final RpcFrameWriter writer, final OutputStream out)
        throws IOException
    {
        final byte[] nonce = reader.read();
        framesReceived.incrementAndGet();
        if (RpcConstants.NONCE_LENGTH != nonce.length ||
            RpcConstants.RPC_NONCE != LittleEndian.getInt(nonce, 0))
        {
            throw new RpcProtocolException("first frame is not a 32-byte RPC_NONCE: " + Hex.encode(nonce));
        }
        if (keySelector != LittleEndian.getInt(nonce, 4))
        {
            throw new RpcProtocolException("nonce key selector " + Hex.encode(Arrays.copyOfRange(nonce, 4, 8)) +
                " is not the secret's " + Hex.encode(Arrays.copyOf(secret, 4)));
        }
        if (RpcConstants.CRYPTO_SCHEMA_AES != LittleEndian.getInt(nonce, 8))
        {
            throw new RpcProtocolException("nonce crypto schema " + LittleEndian.getInt(nonce, 8) + ", expected 1");
        }
        final int clientTs = LittleEndian.getInt(nonce, 12);
        final long nowS = System.currentTimeMillis() / 1000;
        if (Math.abs(nowS - (clientTs & 0xffffffffL)) > NONCE_CLOCK_TOLERANCE_S)
        {
            nonceClockSkews.incrementAndGet();
        }
        final byte[] clientNonce = Arrays.copyOfRange(nonce, 16, 32);
        final byte[] serverNonce = new byte[RpcConstants.NONCE_VALUE_LENGTH];
        random.nextBytes(serverNonce);
        final byte[] answer = RpcMessages.nonce(keySelector, (int)nowS, serverNonce);
        writer.write(out, answer, 0, answer.length);
        out.flush();
        framesSent.incrementAndGet();

        final InetSocketAddress me = (InetSocketAddress)socket.getLocalSocketAddress();
        final InetSocketAddress proxy = new InetSocketAddress(
            null == announcedClientIp ? socket.getInetAddress() : announcedClientIp, socket.getPort());
        reader.enableDecryption(MiddleKeys.derive(serverNonce, clientNonce, clientTs, me, proxy,
            MiddleKeys.PURPOSE_CLIENT, secret).decryptor());
        writer.enableEncryption(MiddleKeys.derive(serverNonce, clientNonce, clientTs, me, proxy,
            MiddleKeys.PURPOSE_SERVER, secret).encryptor());

        final byte[] handshake;
        try
        {
            handshake = reader.read();
        }
        catch (final RpcProtocolException ex)
        {
            throw new RpcProtocolException("handshake frame unreadable (different keys? client " + proxy + ", ME " +
                me + "): " + ex.getMessage());
        }
        framesReceived.incrementAndGet();
        validateHandshake(handshake, me);
        final byte[] proxyPid = Arrays.copyOfRange(handshake, 8, 8 + RpcConstants.PID_LENGTH);
        final byte[] reply = RpcMessages.handshake(pid(me), proxyPid);
        writer.write(out, reply, 0, reply.length);
        out.flush();
        framesSent.incrementAndGet();
        handshakesCompleted.incrementAndGet();
    }

    private static void validateHandshake(final byte[] handshake, final InetSocketAddress me)
        throws RpcProtocolException
    {
        if (RpcConstants.HANDSHAKE_LENGTH != handshake.length ||
            RpcConstants.RPC_HANDSHAKE != LittleEndian.getInt(handshake, 0))
        {
            throw new RpcProtocolException("second frame is not a 32-byte RPC_HANDSHAKE: " + Hex.encode(handshake));
        }
        // The official proxy asks for CRC32-C; the answer's flags stay 0, and then both sides keep CRC32.
        if (0 != (LittleEndian.getInt(handshake, 4) & ~RpcConstants.HANDSHAKE_FLAG_CRC32C))
        {
            throw new RpcProtocolException("handshake flags " + Integer.toHexString(LittleEndian.getInt(handshake, 4)));
        }
        if (!Arrays.equals(handshake, 20, 32, PLACEHOLDER_PID, 0, RpcConstants.PID_LENGTH) &&
            !namesThisMe(handshake, 20, me))
        {
            throw new RpcProtocolException("handshake peer PID " + Hex.encode(Arrays.copyOfRange(handshake, 20, 32)) +
                " is neither IPIPPRPDTIME nor this ME's address");
        }
    }

    /**
     * The official proxy's peer PID is what it knows of the ME before the handshake: its IPv4 (0 for 127.0.0.1) and
     * port, with process id and time 0; it compares PIDs field by field, a 0 field matching anything.
     */
    private static boolean namesThisMe(final byte[] handshake, final int offset, final InetSocketAddress me)
    {
        final byte[] mine = pid(me);
        final int ip = LittleEndian.getInt(handshake, offset);
        final int port = LittleEndian.getInt(handshake, offset + 4) & 0xffff;
        final int pidAndTimeOffset = offset + 6;
        final boolean zeroPidAndTime = Arrays.equals(handshake, pidAndTimeOffset, offset + RpcConstants.PID_LENGTH,
            new byte[RpcConstants.PID_LENGTH - 6], 0, RpcConstants.PID_LENGTH - 6);
        return (0 == ip || LittleEndian.getInt(mine, 0) == ip) && (0 == port || me.getPort() == port) &&
            zeroPidAndTime;
    }

    private static byte[] pid(final InetSocketAddress me)
    {
        // The official layout: LE32 IPv4 (host order), LE16 port, LE16 process id, LE32 unix time.
        final byte[] pid = new byte[RpcConstants.PID_LENGTH];
        final byte[] ip = me.getAddress().getAddress();
        for (int i = 0; i < 4 && i < ip.length; i++)
        {
            pid[i] = ip[3 - i];
        }
        LittleEndian.putShort(pid, 4, me.getPort());
        LittleEndian.putShort(pid, 6, (int)ProcessHandle.current().pid());
        LittleEndian.putInt(pid, 8, (int)(System.currentTimeMillis() / 1000));
        return pid;
    }

    private boolean dispatch(final Connection connection, final byte[] message) throws RpcProtocolException
    {
        final int constructor = RpcMessages.constructor(message);
        switch (constructor)
        {
            case RpcConstants.RPC_PROXY_REQ:
                return onProxyRequest(connection, message);

            case RpcConstants.RPC_CLOSE_CONN:
            {
                final String connId = idOf("RPC_CLOSE_CONN", message);
                connection.closedConnIds.add(connId);
                closeConnsReceived.add(connId);
                return true;
            }

            case RpcConstants.RPC_PONG:
            {
                final String pingId = idOf("RPC_PONG", message);
                if (!connection.pendingPings.remove(pingId))
                {
                    throw new RpcProtocolException("RPC_PONG for unknown ping id " + pingId);
                }
                pongs.add(pingId);
                return true;
            }

            case RpcConstants.RPC_PING:
                idOf("RPC_PING", message);
                pingsReceived.incrementAndGet();
                connection.send(RpcMessages.pong(Arrays.copyOfRange(message, 4, 12)), pongsSent);
                return true;

            default:
                throw new RpcProtocolException("unexpected message " + Integer.toHexString(constructor) + " of " +
                    message.length + " bytes");
        }
    }

    private boolean onProxyRequest(final Connection connection, final byte[] message) throws RpcProtocolException
    {
        final ProxyRequest request = ProxyRequest.parse(message);
        requests.incrementAndGet();
        connection.connIds.add(request.connIdHex());
        connection.closedConnIds.remove(request.connIdHex());
        flagsSeen.add(request.flags());
        if (request.hasAdTag())
        {
            adTagsSeen.add(request.adTagHex());
        }
        else
        {
            requestsWithoutAdTag.incrementAndGet();
        }
        if (request.isPacketUnencrypted() != request.hasFlag(RpcConstants.FLAG_NOT_ENCRYPTED))
        {
            notEncryptedFlagMismatches.incrementAndGet();
        }
        final boolean quickAck = request.hasFlag(RpcConstants.FLAG_QUICK_ACK);
        if (quickAck)
        {
            quickAckRequests.incrementAndGet();
        }
        synchronized (recentRequests)
        {
            if (recentRequests.size() == RECENT_REQUESTS_KEPT)
            {
                recentRequests.removeFirst();
            }
            recentRequests.addLast(request.withPacketPrefix(RECENT_PACKET_PREFIX_LENGTH));
        }

        final byte[] connId = request.connId();
        final byte[] packet = request.packet();
        if (startsWith(packet, HANG_COMMAND))
        {
            connectionsHung.incrementAndGet();
            hang(connection);
            return false;
        }
        if (startsWith(packet, DIE_COMMAND))
        {
            connectionsDied.incrementAndGet();
            connection.close(true);
            return false;
        }
        if (quickAck)
        {
            connection.send(RpcMessages.simpleAck(connId, confirmFor(packet)), simpleAcksSent);
        }
        if (startsWith(packet, CLOSE_COMMAND))
        {
            connection.send(RpcMessages.closeExt(connId), closeExtsSent);
            return true;
        }
        if (startsWith(packet, BULK_COMMAND) && packet.length >= BULK_REQUEST_LENGTH)
        {
            connection.sendBulk(connId, LittleEndian.getLong(packet, BULK_COMMAND.length));
            return true;
        }
        if (startsWith(packet, HUGE_COMMAND) && packet.length >= BULK_REQUEST_LENGTH)
        {
            final long asked = LittleEndian.getLong(packet, HUGE_COMMAND.length);
            final int length = (int)Math.min(MAX_HUGE_LENGTH, (Math.max(0, asked) + 3) & ~3L);
            final byte[] pattern = pattern(length);
            connection.send(RpcMessages.proxyAnswer(0, connId, pattern, 0, length), answersSent);
            return true;
        }
        if (startsWith(packet, PING_COMMAND))
        {
            final byte[] pingId = new byte[RpcConstants.PING_ID_LENGTH];
            random.nextBytes(pingId);
            connection.pendingPings.add(Hex.encode(pingId));
            connection.send(RpcMessages.ping(pingId), pingsSent);
        }
        connection.send(RpcMessages.proxyAnswer(0, connId, packet, 0, packet.length), answersSent);
        return true;
    }

    private void writeLoop(final Connection connection, final RpcFrameWriter writer, final OutputStream out)
    {
        try
        {
            while (true)
            {
                final Outgoing outgoing = connection.queue.take();
                if (Outgoing.STOP == outgoing)
                {
                    return;
                }
                if (null == outgoing.counter)
                {
                    stream(connection, writer, out, outgoing.payload, outgoing.bulkByteCount);
                }
                else
                {
                    writer.write(out, outgoing.payload, 0, outgoing.payload.length);
                    framesSent.incrementAndGet();
                    outgoing.counter.incrementAndGet();
                }
                if (connection.queue.isEmpty())
                {
                    out.flush();
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final IOException ex)
        {
            // the connection is gone: the reader sees it too
        }
        catch (final RuntimeException ex)
        {
            fixtureErrors.incrementAndGet();
            recordError("fixture error: " + ex);
        }
        finally
        {
            connection.close(false);
        }
    }

    private void stream(
        final Connection connection,
        final RpcFrameWriter writer,
        final OutputStream out,
        final byte[] connId,
        final long byteCount) throws IOException
    {
        final byte[] pattern = pattern(BULK_PAYLOAD_LENGTH);
        final byte[] message = RpcMessages.proxyAnswer(0, connId, pattern, 0, pattern.length);
        final String connIdHex = Hex.encode(connId);
        long remaining = byteCount;
        while (remaining > 0 && !connection.closed.get() && !connection.closedConnIds.contains(connIdHex))
        {
            final int length = remaining >= BULK_PAYLOAD_LENGTH ? BULK_PAYLOAD_LENGTH : (int)((remaining + 3) & ~3L);
            writer.write(out, message, 0, RpcConstants.PROXY_ANS_HEADER_LENGTH + length);
            framesSent.incrementAndGet();
            bulkBytesSent.addAndGet(length);
            remaining -= length;
        }
    }

    private void protocolError(final String message)
    {
        protocolErrors.incrementAndGet();
        recordError(message);
    }

    private void recordError(final String message)
    {
        synchronized (errorMessages)
        {
            if (errorMessages.size() < ERROR_MESSAGES_KEPT)
            {
                errorMessages.add(message);
            }
        }
    }

    private static String idOf(final String what, final byte[] message) throws RpcProtocolException
    {
        if (4 + RpcConstants.CONN_ID_LENGTH != message.length)
        {
            throw new RpcProtocolException(what + " of " + message.length + " bytes, expected 12");
        }
        return Hex.encode(Arrays.copyOfRange(message, 4, 12));
    }

    private static boolean startsWith(final byte[] bytes, final byte[] prefix)
    {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    /**
     * A message for the writer: a whole payload, or a bulk answer to generate.
     */
    private static final class Outgoing
    {
        static final Outgoing STOP = new Outgoing(new byte[0], null, 0);

        final byte[] payload;
        final AtomicLong counter;
        final long bulkByteCount;

        Outgoing(final byte[] payload, final AtomicLong counter, final long bulkByteCount)
        {
            this.payload = payload;
            this.counter = counter;
            this.bulkByteCount = bulkByteCount;
        }
    }

    /**
     * One ME connection's shared state: the reader thread fills it, the writer thread drains the queue.
     */
    private static final class Connection
    {
        final Socket socket;
        final Set<String> connIds = ConcurrentHashMap.newKeySet();
        final Set<String> pendingPings = ConcurrentHashMap.newKeySet();
        final Set<String> closedConnIds = ConcurrentHashMap.newKeySet();
        final LinkedBlockingQueue<Outgoing> queue = new LinkedBlockingQueue<>();
        final AtomicBoolean closed = new AtomicBoolean();

        Connection(final Socket socket)
        {
            this.socket = socket;
        }

        void send(final byte[] payload, final AtomicLong counter)
        {
            if (!closed.get())
            {
                queue.add(new Outgoing(payload, counter, 0));
            }
        }

        void sendBulk(final byte[] connId, final long byteCount)
        {
            if (!closed.get() && byteCount > 0)
            {
                queue.add(new Outgoing(connId, null, byteCount));
            }
        }

        /**
         * @param reset send RST (SO_LINGER 0) instead of FIN.
         * @return true when this call closed it.
         */
        boolean close(final boolean reset)
        {
            if (!closed.compareAndSet(false, true))
            {
                return false;
            }
            try
            {
                if (reset)
                {
                    socket.setSoLinger(true, 0);
                }
            }
            catch (final IOException ignore)
            {
                // closing anyway
            }
            try
            {
                socket.close();
            }
            catch (final IOException ignore)
            {
                // already closed
            }
            queue.add(Outgoing.STOP);
            return true;
        }
    }
}
