package io.mtgj.perf;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * What every test client shares: one blocking socket and how it ends.
 */
public abstract class ClientConnection implements AutoCloseable
{
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
