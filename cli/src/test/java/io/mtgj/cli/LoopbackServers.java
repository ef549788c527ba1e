package io.mtgj.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * Servers on 127.0.0.1 for doctor and probe tests: each accepts on its own daemon thread and hands every
 * connection to a handler on another, until closed. Also a closed port, where nothing listens.
 */
final class LoopbackServers implements AutoCloseable
{
    static final String KEYSTORE = "/doctor-test.p12";
    static final char[] PASSWORD = "doctor-test".toCharArray();
    private static final int SOCKET_TIMEOUT_MS = 20_000;

    private final List<ServerSocket> servers = new CopyOnWriteArrayList<>();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    /**
     * Serves one connection; the socket is closed after it returns.
     */
    @FunctionalInterface
    interface Handler
    {
        void serve(Socket socket) throws IOException;
    }

    /**
     * @param handler serves each connection.
     * @return where it listens.
     */
    InetSocketAddress tcp(final Handler handler) throws IOException
    {
        return serve(new ServerSocket(0, 64, loopback()), handler);
    }

    /**
     * @return a listener that accepts and holds each connection until closed, as a Telegram DC does before the
     *         client speaks.
     */
    InetSocketAddress silent() throws IOException
    {
        return tcp(socket -> drain(socket.getInputStream()));
    }

    /**
     * A TLS 1.3 server with the doctor test certificate (CN=localhost), which completes handshakes and then reads
     * until the client closes.
     */
    InetSocketAddress tls() throws IOException, GeneralSecurityException
    {
        final KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = LoopbackServers.class.getResourceAsStream(KEYSTORE))
        {
            store.load(in, PASSWORD);
        }
        final KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASSWORD);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        final SSLServerSocket server = (SSLServerSocket)context.getServerSocketFactory().createServerSocket();
        server.setEnabledProtocols(new String[] {"TLSv1.3"});
        server.bind(new InetSocketAddress(loopback(), 0), 64);
        return serve(server, socket -> drain(socket.getInputStream()));
    }

    /**
     * @return a loopback port nothing listens on (bound once, then closed).
     */
    static InetSocketAddress closedPort() throws IOException
    {
        try (ServerSocket server = new ServerSocket(0, 1, loopback()))
        {
            return new InetSocketAddress(loopback(), server.getLocalPort());
        }
    }

    static InetAddress loopback() throws IOException
    {
        return InetAddress.getByName("127.0.0.1");
    }

    private InetSocketAddress serve(final ServerSocket server, final Handler handler)
    {
        servers.add(server);
        final Thread acceptor = new Thread(() ->
        {
            while (!server.isClosed())
            {
                try
                {
                    final Socket socket = server.accept();
                    accepted.add(socket);
                    socket.setSoTimeout(SOCKET_TIMEOUT_MS);
                    final Thread connection = new Thread(() -> handle(socket, handler), "loopback-conn");
                    connection.setDaemon(true);
                    connection.start();
                }
                catch (final IOException ex)
                {
                    return;
                }
            }
        }, "loopback-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    private static void handle(final Socket socket, final Handler handler)
    {
        try (Socket closing = socket)
        {
            if (closing instanceof SSLSocket)
            {
                ((SSLSocket)closing).startHandshake();
            }
            handler.serve(closing);
        }
        catch (final IOException ex)
        {
            // the client went away or the handshake failed: nothing to serve
        }
    }

    static void drain(final InputStream in)
    {
        try
        {
            final byte[] chunk = new byte[4096];
            while (in.read(chunk) >= 0)
            {
                // read until the client closes
            }
        }
        catch (final IOException ex)
        {
            // reset or timed out: done
        }
    }

    @Override
    public void close() throws IOException
    {
        for (final ServerSocket server : servers)
        {
            server.close();
        }
        for (final Socket socket : accepted)
        {
            socket.close();
        }
    }
}
