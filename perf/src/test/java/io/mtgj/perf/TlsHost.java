package io.mtgj.perf;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A loopback TLS server with a chosen certificate chain and protocol versions, standing in for a cloak host whose
 * answer the proxy learns: it completes handshakes, reads until the peer closes, and counts connections. A thread per
 * connection with read timeouts: a fixture, not a server.
 */
final class TlsHost implements AutoCloseable
{
    /** The small chain: one self-signed EC P-256 certificate (see README.txt). */
    static final String SHORT_CHAIN = CloakServer.KEYSTORE_RESOURCE;
    /** The long chain: an RSA 2048 leaf, an RSA 4096 intermediate and an RSA 4096 root (see README.txt). */
    static final String LONG_CHAIN = "/cloak-test-long-chain.p12";

    private static final int SOCKET_TIMEOUT_MS = 10_000;

    private final SSLServerSocket server;
    private final AtomicLong connections = new AtomicLong();
    private volatile boolean running = true;

    private TlsHost(final SSLServerSocket server)
    {
        this.server = server;
        final Thread acceptor = new Thread(this::accept, "tls-host-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * @param keystore  a PKCS12 resource whose key entry is {@code cloak}, password {@code cloak-test}.
     * @param protocols the versions to speak, e.g. {@code TLSv1.3} or only {@code TLSv1.2}.
     * @return a server on 127.0.0.1 with an ephemeral port.
     */
    static TlsHost start(final String keystore, final String... protocols) throws IOException
    {
        try (InputStream in = TlsHost.class.getResourceAsStream(keystore))
        {
            final char[] password = CloakServer.KEYSTORE_PASSWORD.toCharArray();
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            final KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            final SSLServerSocket server = (SSLServerSocket)context.getServerSocketFactory().createServerSocket();
            server.setEnabledProtocols(protocols);
            server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
            return new TlsHost(server);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IOException(ex);
        }
    }

    int port()
    {
        return server.getLocalPort();
    }

    long connections()
    {
        return connections.get();
    }

    private void accept()
    {
        while (running)
        {
            try
            {
                final Socket socket = server.accept();
                connections.incrementAndGet();
                final Thread serve = new Thread(() -> serve((SSLSocket)socket), "tls-host-connection");
                serve.setDaemon(true);
                serve.start();
            }
            catch (final IOException ex)
            {
                return;
            }
        }
    }

    private static void serve(final SSLSocket socket)
    {
        try (socket)
        {
            socket.setSoTimeout(SOCKET_TIMEOUT_MS);
            socket.startHandshake();
            final byte[] sink = new byte[4096];
            while (socket.getInputStream().read(sink) >= 0)
            {
                // read until the peer closes
            }
        }
        catch (final IOException ex)
        {
            // probes close without a word, or refuse our versions: either is fine here
        }
    }

    @Override
    public void close() throws IOException
    {
        running = false;
        server.close();
    }
}
