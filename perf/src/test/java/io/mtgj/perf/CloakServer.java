package io.mtgj.perf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A loopback stand-in for the website a FakeTLS proxy fronts (protocol.md 6), in one of two modes:
 * <ul>
 *     <li>{@link #startTls()}: a real TLS server (JDK {@link SSLServerSocket}, certificate for {@link #TEST_HOST}
 *     from {@code cloak-test.p12}) answering HTTP/1.1 {@code GET /} with {@link #PAGE}. A plain TCP front records
 *     the raw bytes of every connection before they reach the TLS server, so a test can check byte for byte what
 *     a proxy forwarded, the prober's ClientHello included.</li>
 *     <li>{@link #startPlain()}: plain TCP; records every byte and answers {@link #BANNER} once, after the first
 *     bytes of a connection arrive.</li>
 * </ul>
 * {@link #fetchPage(InetSocketAddress, int)} is the matching client: TLS with SNI {@link #TEST_HOST}, trusting that
 * test certificate only. Thread per connection, sockets bounded by read timeouts: a fixture, not a server.
 */
final class CloakServer implements AutoCloseable
{
    /** The name in the test certificate, to use as a secret's hostname. */
    static final String TEST_HOST = "cloak.mtgj.test";
    /** The body of the only page. */
    static final String PAGE = "<html>cloak test page</html>";
    /** What plain mode answers. */
    static final byte[] BANNER = "cloak test banner\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Keystore resource; see README.txt beside it. */
    static final String KEYSTORE_RESOURCE = "/cloak-test.p12";
    /** Store and key password of the test keystore. */
    static final String KEYSTORE_PASSWORD = "cloak-test";

    private static final String KEY_ALIAS = "cloak";
    private static final int SOCKET_TIMEOUT_MS = 30_000;
    private static final int MAX_RECORDED_BYTES = 1 << 20;
    private static final int MAX_REQUEST_HEAD_BYTES = 16 * 1024;
    private static final int MAX_RESPONSE_BYTES = 1 << 20;

    private final ServerSocket front;
    private final SSLServerSocket tls;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<ByteArrayOutputStream> recordings = new CopyOnWriteArrayList<>();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();
    private final AtomicLong pagesServed = new AtomicLong();
    private final AtomicLong tlsHandshakes = new AtomicLong();
    private volatile boolean running = true;

    private CloakServer(final ServerSocket front, final SSLServerSocket tls)
    {
        this.front = front;
        this.tls = tls;
        startThread(this::acceptFront, "cloak-front-acceptor");
        if (null != tls)
        {
            startThread(this::acceptTls, "cloak-tls-acceptor");
        }
    }

    /**
     * @return a TLS web server on 127.0.0.1 with an ephemeral port.
     * @throws IOException when binding or loading the keystore fails.
     */
    static CloakServer startTls() throws IOException
    {
        final SSLServerSocket tls = (SSLServerSocket)serverContext().getServerSocketFactory().createServerSocket();
        tls.bind(new InetSocketAddress(loopback(), 0), 64);
        try
        {
            return new CloakServer(bindFront(), tls);
        }
        catch (final IOException ex)
        {
            tls.close();
            throw ex;
        }
    }

    /**
     * @return a plain TCP recorder on 127.0.0.1 with an ephemeral port.
     * @throws IOException when binding fails.
     */
    static CloakServer startPlain() throws IOException
    {
        return new CloakServer(bindFront(), null);
    }

    private static ServerSocket bindFront() throws IOException
    {
        final ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(loopback(), 0), 256);
        return server;
    }

    private static InetAddress loopback() throws IOException
    {
        return InetAddress.getByName("127.0.0.1");
    }

    /**
     * @return where to connect, i.e. what a proxy's cloak host:port should point at.
     */
    InetSocketAddress address()
    {
        return (InetSocketAddress)front.getLocalSocketAddress();
    }

    /**
     * @return connections accepted so far.
     */
    long connections()
    {
        return connections.get();
    }

    /**
     * @return raw bytes received on every connection so far (TLS records in TLS mode).
     */
    long bytesReceived()
    {
        return bytesReceived.get();
    }

    /**
     * @return TLS handshakes the server completed (TLS mode).
     */
    long tlsHandshakes()
    {
        return tlsHandshakes.get();
    }

    /**
     * @return pages answered (TLS mode).
     */
    long pagesServed()
    {
        return pagesServed.get();
    }

    /**
     * @param connection index in accept order, from 0.
     * @return a copy of the raw bytes received on that connection so far (at most 1 MiB are kept).
     */
    byte[] received(final int connection)
    {
        final ByteArrayOutputStream recording = recordings.get(connection);
        synchronized (recording)
        {
            return recording.toByteArray();
        }
    }

    private void acceptFront()
    {
        while (running)
        {
            final Socket socket;
            try
            {
                socket = front.accept();
            }
            catch (final IOException ex)
            {
                return;
            }
            final ByteArrayOutputStream recording = new ByteArrayOutputStream();
            recordings.add(recording);
            connections.incrementAndGet();
            open.add(socket);
            if (null == tls)
            {
                startThread(() -> servePlain(socket, recording), "cloak-plain-conn");
            }
            else
            {
                startThread(() -> forwardToTls(socket, recording), "cloak-front-conn");
            }
        }
    }

    private void servePlain(final Socket socket, final ByteArrayOutputStream recording)
    {
        try (socket)
        {
            socket.setSoTimeout(SOCKET_TIMEOUT_MS);
            final InputStream in = socket.getInputStream();
            final OutputStream out = socket.getOutputStream();
            final byte[] chunk = new byte[8192];
            boolean answered = false;
            int n;
            while ((n = in.read(chunk)) > 0)
            {
                record(recording, chunk, n);
                if (!answered)
                {
                    out.write(BANNER);
                    out.flush();
                    answered = true;
                }
            }
        }
        catch (final IOException ex)
        {
            // the peer left or timed out: the connection is over either way
        }
        finally
        {
            open.remove(socket);
        }
    }

    private void forwardToTls(final Socket client, final ByteArrayOutputStream recording)
    {
        final Socket server = new Socket();
        open.add(server);
        try
        {
            client.setSoTimeout(SOCKET_TIMEOUT_MS);
            server.setSoTimeout(SOCKET_TIMEOUT_MS);
            server.connect(tls.getLocalSocketAddress(), SOCKET_TIMEOUT_MS);
            final Thread back = startThread(() -> pump(server, client, null), "cloak-front-back");
            pump(client, server, recording);
            back.join(SOCKET_TIMEOUT_MS);
        }
        catch (final IOException ex)
        {
            // a side went away
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        finally
        {
            closeQuietly(client);
            closeQuietly(server);
            open.remove(client);
            open.remove(server);
        }
    }

    /**
     * Copy one direction until end of stream, then half-close the sink.
     */
    private void pump(final Socket from, final Socket to, final ByteArrayOutputStream recording)
    {
        try
        {
            final InputStream in = from.getInputStream();
            final OutputStream out = to.getOutputStream();
            final byte[] chunk = new byte[8192];
            int n;
            while ((n = in.read(chunk)) > 0)
            {
                if (null != recording)
                {
                    record(recording, chunk, n);
                }
                out.write(chunk, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        }
        catch (final IOException ex)
        {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void record(final ByteArrayOutputStream recording, final byte[] chunk, final int length)
    {
        bytesReceived.addAndGet(length);
        synchronized (recording)
        {
            final int room = MAX_RECORDED_BYTES - recording.size();
            recording.write(chunk, 0, Math.min(room, length));
        }
    }

    private void acceptTls()
    {
        while (running)
        {
            final Socket socket;
            try
            {
                socket = tls.accept();
            }
            catch (final IOException ex)
            {
                return;
            }
            open.add(socket);
            startThread(() -> serveHttps((SSLSocket)socket), "cloak-tls-conn");
        }
    }

    private void serveHttps(final SSLSocket socket)
    {
        try (socket)
        {
            socket.setSoTimeout(SOCKET_TIMEOUT_MS);
            socket.startHandshake();
            tlsHandshakes.incrementAndGet();
            final String head = readHead(socket.getInputStream());
            final boolean root = head.startsWith("GET / ");
            final String body = root ? PAGE : "<html>not found</html>";
            final byte[] bodyBytes = body.getBytes(StandardCharsets.US_ASCII);
            final String response = (root ? "HTTP/1.1 200 OK" : "HTTP/1.1 404 Not Found") + "\r\n" +
                "Content-Type: text/html\r\n" +
                "Content-Length: " + bodyBytes.length + "\r\n" +
                "Connection: close\r\n\r\n" + body;
            final OutputStream out = socket.getOutputStream();
            out.write(response.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (root)
            {
                pagesServed.incrementAndGet();
            }
        }
        catch (final IOException ex)
        {
            // a failed handshake or a peer that left: nothing to serve
        }
        finally
        {
            open.remove(socket);
        }
    }

    private static String readHead(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4 && head.size() < MAX_REQUEST_HEAD_BYTES)
        {
            final int b = in.read();
            if (b < 0)
            {
                break;
            }
            head.write(b);
            matched = (b == (0 == (matched & 1) ? '\r' : '\n')) ? matched + 1 : ('\r' == b ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /**
     * Fetch {@code GET /} over TLS, as a browser would from the fronted site: SNI {@link #TEST_HOST}, the name
     * checked against the certificate, which must be the test one.
     *
     * @param address   where to connect: the cloak server itself or a proxy fronting it.
     * @param timeoutMs connect and read timeout.
     * @return the page body.
     * @throws IOException when the handshake, the certificate or the response is wrong.
     */
    static String fetchPage(final InetSocketAddress address, final int timeoutMs) throws IOException
    {
        final Socket plain = new Socket();
        try
        {
            plain.setSoTimeout(timeoutMs);
            plain.connect(address, timeoutMs);
            try (SSLSocket socket = (SSLSocket)clientContext().getSocketFactory()
                .createSocket(plain, TEST_HOST, address.getPort(), true))
            {
                final SSLParameters parameters = socket.getSSLParameters();
                parameters.setServerNames(List.of(new SNIHostName(TEST_HOST)));
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                final String request = "GET / HTTP/1.1\r\nHost: " + TEST_HOST + "\r\nConnection: close\r\n\r\n";
                socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                return pageOf(readAll(socket.getInputStream()));
            }
        }
        finally
        {
            plain.close();
        }
    }

    private static String readAll(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream all = new ByteArrayOutputStream();
        final byte[] chunk = new byte[4096];
        int n;
        while ((n = in.read(chunk)) > 0)
        {
            if (all.size() + n > MAX_RESPONSE_BYTES)
            {
                throw new IOException("response longer than " + MAX_RESPONSE_BYTES + " bytes");
            }
            all.write(chunk, 0, n);
        }
        return all.toString(StandardCharsets.US_ASCII);
    }

    private static String pageOf(final String response) throws IOException
    {
        final int split = response.indexOf("\r\n\r\n");
        if (!response.startsWith("HTTP/1.1 200 ") || split < 0)
        {
            throw new IOException("not a 200 response: " + response);
        }
        return response.substring(split + 4);
    }

    /**
     * @return a client context trusting the test certificate and nothing else.
     * @throws IOException when the keystore cannot be read.
     */
    static SSLContext clientContext() throws IOException
    {
        try
        {
            final Certificate certificate = keyStore().getCertificate(KEY_ALIAS);
            final KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry(KEY_ALIAS, certificate);
            final TrustManagerFactory trust = TrustManagerFactory.getInstance(
                TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IOException("cannot build the test trust store", ex);
        }
    }

    private static SSLContext serverContext() throws IOException
    {
        try
        {
            final KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore(), KEYSTORE_PASSWORD.toCharArray());
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IOException("cannot build the test key manager", ex);
        }
    }

    private static KeyStore keyStore() throws IOException
    {
        try (InputStream in = CloakServer.class.getResourceAsStream(KEYSTORE_RESOURCE))
        {
            if (null == in)
            {
                throw new IOException(KEYSTORE_RESOURCE + " is not on the test class path");
            }
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, KEYSTORE_PASSWORD.toCharArray());
            return store;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IOException("cannot read " + KEYSTORE_RESOURCE, ex);
        }
    }

    private static Thread startThread(final Runnable task, final String name)
    {
        final Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void closeQuietly(final Socket socket)
    {
        try
        {
            socket.close();
        }
        catch (final IOException ex)
        {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException
    {
        running = false;
        front.close();
        if (null != tls)
        {
            tls.close();
        }
        for (final Socket socket : open)
        {
            closeQuietly(socket);
        }
    }
}
