package io.mtgj.perf;

import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import io.mtgj.transport.ProtocolTag;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Random;

/**
 * What every test client shares: one blocking socket and how it ends.
 */
public abstract class ClientConnection implements AutoCloseable
{
    private static final int INPUT_BUFFER_BYTES = 64 * 1024;

    /** The connection to the proxy. */
    protected final Socket socket;
    /** Bytes from the proxy. */
    protected final DataInputStream in;
    /** Bytes to the proxy. */
    protected final OutputStream out;

    /**
     * @param socket a connected socket.
     * @param in     its input, possibly already read from.
     * @throws IOException when the socket is closed.
     */
    protected ClientConnection(final Socket socket, final DataInputStream in) throws IOException
    {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
    }

    /**
     * @param socket a connected socket.
     * @return its input, buffered: a client reads record and packet headers a few bytes at a time, and one syscall
     *         each would make the load generator, not the proxy, the bottleneck.
     * @throws IOException when the socket is closed.
     */
    static DataInputStream bufferedInput(final Socket socket) throws IOException
    {
        return new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), INPUT_BUFFER_BYTES));
    }

    /**
     * Frame, encrypt and send one packet.
     *
     * @param payload packet bytes (a multiple of 4 for abridged).
     * @throws IOException on a socket error.
     */
    public abstract void send(byte[] payload) throws IOException;

    /**
     * Read one packet.
     *
     * @return its body as framed (for padded intermediate, padding included), or null at end of stream.
     * @throws IOException on a socket error or timeout.
     */
    public abstract byte[] receive() throws IOException;

    /**
     * One round trip: send the packet and read the echo of it.
     *
     * @param payload packet bytes (a multiple of 4 for abridged).
     * @throws IOException when the proxy closes the connection or times out, or when the answer does not start with
     *                     the packet (padded intermediate may add padding after it).
     */
    public void echo(final byte[] payload) throws IOException
    {
        send(payload);
        final byte[] echoed = receive();
        if (null == echoed)
        {
            throw new IOException("closed by the proxy");
        }
        if (echoed.length < payload.length || !Arrays.equals(payload, 0, payload.length, echoed, 0, payload.length))
        {
            throw new IOException("bad echo: " + echoed.length + " bytes for a packet of " + payload.length);
        }
    }

    /**
     * Connect with any kind of secret, the way a Telegram client of that secret does.
     *
     * @param target    proxy (or, with a null secret, a DC or a plain relay to one).
     * @param secret    simple, secured or tls secret; null to speak to a DC directly.
     * @param tag       transport (ignored for secured and tls secrets, which use padded intermediate).
     * @param dc        signed DC index.
     * @param random    frame source.
     * @param timeoutMs connect and read timeout.
     * @return a client past its handshake (the obfuscated2 frame may go out with the first packet).
     * @throws IOException when the connection or handshake fails.
     */
    public static ClientConnection connect(final InetSocketAddress target, final Secret secret, final ProtocolTag tag,
        final short dc, final Random random, final int timeoutMs) throws IOException
    {
        if (null != secret && SecretMode.FAKE_TLS == secret.mode())
        {
            return FakeTlsClient.connect(target, secret, dc, random, timeoutMs, FakeTlsClient.NOW);
        }
        final ProtocolTag effective = null != secret && SecretMode.SECURED == secret.mode() ?
            ProtocolTag.PADDED_INTERMEDIATE : tag;
        return TestClient.connect(target, secret, effective, dc, random, timeoutMs);
    }

    /**
     * @return whether the proxy closed the connection: end of stream or a reset, within the read timeout. Reads the
     *         raw socket, so call it only when nothing more is expected.
     */
    public boolean isClosedByPeer()
    {
        return isClosedByPeer(in);
    }

    /**
     * @param in a socket's input.
     * @return whether it ends (end of stream or a reset) within the socket's read timeout.
     */
    public static boolean isClosedByPeer(final InputStream in)
    {
        try
        {
            return in.read() < 0;
        }
        catch (final SocketTimeoutException ex)
        {
            return false;
        }
        catch (final IOException ex)
        {
            return true;
        }
    }

    /**
     * Half-close: no more bytes from this side.
     *
     * @throws IOException on a socket error.
     */
    public void shutdownOutput() throws IOException
    {
        socket.shutdownOutput();
    }

    /**
     * @return the socket, for raw tests.
     */
    public Socket socket()
    {
        return socket;
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
