package io.mtgj.tlsshape;

import io.mtgj.faketls.ServerHelloShape;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * One real TLS 1.3 handshake with a cloak host, as a browser would start it (SNI, ALPN h2 and http/1.1), through a
 * JSSE {@link SSLEngine} over a plain socket: every record the host sends is read raw, looked at, then handed to the
 * engine, so the shape comes from the bytes on the wire and not from what JSSE makes of them. The host's first flight
 * ends where the engine has its Finished to send; the handshake is then completed and closed politely.
 * <p>
 * The host's certificate is not checked: nothing is sent over the connection, and only its shape is kept.
 */
final class ShapeProbe
{
    private static final int TYPE_CHANGE_CIPHER_SPEC = 0x14;
    private static final int TYPE_ALERT = 0x15;
    private static final int TYPE_HANDSHAKE = 0x16;
    private static final int TYPE_APPLICATION_DATA = 0x17;
    private static final int MAX_RECORD = 16384 + 2048;
    /** Enough records for any first flight: a longer one is not a web server. */
    private static final int MAX_RECORDS = 64;
    /** The ServerHello random that marks a HelloRetryRequest (RFC 8446 4.1.3). */
    private static final byte[] RETRY_RANDOM = {
        (byte)0xcf, 0x21, (byte)0xad, 0x74, (byte)0xe5, (byte)0x9a, 0x61, 0x11, (byte)0xbe, 0x1d, (byte)0x8c, 0x02,
        0x1e, 0x65, (byte)0xb8, (byte)0x91, (byte)0xc2, (byte)0xa2, 0x11, 0x16, 0x7a, (byte)0xbb, (byte)0x8c, 0x5e,
        0x07, (byte)0x9e, 0x09, (byte)0xe2, (byte)0xc8, (byte)0xa8, 0x33, (byte)0x9c};
    private static final TrustManager[] ANY_CERTIFICATE = {new X509TrustManager()
    {
        @Override
        public void checkClientTrusted(final X509Certificate[] chain, final String authType)
        {
        }

        @Override
        public void checkServerTrusted(final X509Certificate[] chain, final String authType)
        {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers()
        {
            return new X509Certificate[0];
        }
    }};

    /**
     * Why a host gave no shape: it did not answer TLS 1.3, as opposed to not answering at all.
     */
    static final class NotTls13Exception extends IOException
    {
        private static final long serialVersionUID = 1L;

        NotTls13Exception(final String message)
        {
            super(message);
        }
    }

    private ShapeProbe()
    {
    }

    /**
     * @param address   where the host listens.
     * @param sni       the name to send, the secret's hostname.
     * @param timeoutMs bound on the connect and on each read.
     * @return the shape of its answer.
     * @throws NotTls13Exception when the host answered, but not with TLS 1.3.
     * @throws IOException       when it could not be reached or broke off.
     */
    static ServerHelloShape probe(final InetSocketAddress address, final String sni, final int timeoutMs)
        throws IOException
    {
        final SSLEngine engine = newEngine(sni, address.getPort());
        try (Socket socket = new Socket())
        {
            socket.connect(address, timeoutMs);
            socket.setSoTimeout(timeoutMs);
            return handshake(engine, new DataInputStream(socket.getInputStream()), socket.getOutputStream());
        }
    }

    private static SSLEngine newEngine(final String sni, final int port) throws IOException
    {
        try
        {
            final SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(null, ANY_CERTIFICATE, null);
            final SSLEngine engine = context.createSSLEngine(sni, port);
            engine.setUseClientMode(true);
            final SSLParameters parameters = engine.getSSLParameters();
            parameters.setProtocols(new String[]{"TLSv1.3"});
            parameters.setServerNames(List.of(new SNIHostName(sni)));
            parameters.setApplicationProtocols(new String[]{"h2", "http/1.1"});
            engine.setSSLParameters(parameters);
            return engine;
        }
        catch (final GeneralSecurityException | IllegalArgumentException ex)
        {
            throw new IOException("cannot start a TLS 1.3 client for " + sni + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Drive the engine, reading the host's records one at a time and noting their shape.
     */
    private static ServerHelloShape handshake(final SSLEngine engine, final DataInputStream in,
        final OutputStream out) throws IOException
    {
        final Observed observed = new Observed();
        final ByteBuffer empty = ByteBuffer.allocate(0);
        ByteBuffer netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        ByteBuffer appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        engine.beginHandshake();
        for (int records = 0; records < MAX_RECORDS; )
        {
            switch (engine.getHandshakeStatus())
            {
                case NEED_WRAP:
                    if (observed.helloSeen && observed.flightRecords > 0)
                    {
                        observed.flightDone = true; // the client's Finished: the host's first flight is complete
                    }
                    netOut.clear();
                    final SSLEngineResult wrapped = engine.wrap(empty, netOut);
                    if (SSLEngineResult.Status.BUFFER_OVERFLOW == wrapped.getStatus())
                    {
                        netOut = ByteBuffer.allocate(netOut.capacity() * 2);
                        break;
                    }
                    out.write(netOut.array(), 0, netOut.position());
                    out.flush();
                    break;
                case NEED_TASK:
                    for (Runnable task = engine.getDelegatedTask(); null != task; task = engine.getDelegatedTask())
                    {
                        task.run();
                    }
                    break;
                case NEED_UNWRAP:
                case NEED_UNWRAP_AGAIN:
                    if (observed.flightDone)
                    {
                        return observed.shape(); // TLS 1.3 is done once our Finished is out
                    }
                    final byte[] record = readRecord(in, observed);
                    records++;
                    observed.onRecord(record);
                    appIn.clear();
                    unwrap(engine, ByteBuffer.wrap(record), appIn, observed);
                    break;
                default:
                    closeQuietly(engine, out);
                    return observed.shape();
            }
        }
        throw new IOException("no end to the host's first flight after " + MAX_RECORDS + " records");
    }

    private static void unwrap(final SSLEngine engine, final ByteBuffer record, final ByteBuffer appIn,
        final Observed observed) throws IOException
    {
        try
        {
            while (record.hasRemaining())
            {
                final SSLEngineResult result = engine.unwrap(record, appIn);
                if (SSLEngineResult.Status.OK != result.getStatus() || 0 == result.bytesConsumed())
                {
                    break;
                }
            }
        }
        catch (final SSLException ex)
        {
            if (!observed.helloSeen)
            {
                throw new NotTls13Exception("refused the TLS 1.3 handshake: " + ex.getMessage());
            }
            throw ex;
        }
    }

    private static byte[] readRecord(final DataInputStream in, final Observed observed) throws IOException
    {
        final byte[] header = new byte[5];
        try
        {
            in.readFully(header);
        }
        catch (final java.io.EOFException ex)
        {
            if (!observed.helloSeen)
            {
                throw new NotTls13Exception("closed the connection instead of answering a TLS 1.3 hello");
            }
            throw ex;
        }
        final int length = (header[3] & 0xff) << 8 | header[4] & 0xff;
        if (header[0] < TYPE_CHANGE_CIPHER_SPEC || header[0] > TYPE_APPLICATION_DATA || 0x03 != header[1] ||
            length > MAX_RECORD)
        {
            throw new NotTls13Exception("answered with bytes that are not TLS records");
        }
        final byte[] record = new byte[5 + length];
        System.arraycopy(header, 0, record, 0, 5);
        in.readFully(record, 5, length);
        return record;
    }

    private static void closeQuietly(final SSLEngine engine, final OutputStream out)
    {
        try
        {
            engine.closeOutbound();
            final ByteBuffer netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            engine.wrap(ByteBuffer.allocate(0), netOut);
            out.write(netOut.array(), 0, netOut.position());
            out.flush();
        }
        catch (final IOException ex)
        {
            // the shape is known; a host that does not wait for close_notify changes nothing
        }
    }

    /**
     * @param hello a ServerHello handshake message (type, length, body).
     * @return its cipher suite and extension types; null when it is a HelloRetryRequest.
     * @throws NotTls13Exception when it does not select TLS 1.3.
     */
    static int[] parseServerHello(final byte[] hello, final int offset, final int length) throws IOException
    {
        try
        {
            final int end = offset + length;
            if (2 != hello[offset])
            {
                throw new NotTls13Exception("answered with handshake message " + hello[offset] + ", not a ServerHello");
            }
            int at = offset + 4 + 2; // type, length, legacy version
            boolean retry = true;
            for (int i = 0; i < RETRY_RANDOM.length; i++)
            {
                retry &= RETRY_RANDOM[i] == hello[at + i];
            }
            at += 32;
            at += 1 + (hello[at] & 0xff); // session id
            final int suite = u16(hello, at);
            at += 2 + 1; // suite, compression
            final int extensionsEnd = Math.min(end, at + 2 + u16(hello, at));
            at += 2;
            final int[] found = new int[(extensionsEnd - at) / 4 + 1];
            int count = 0;
            boolean tls13 = false;
            found[count++] = suite;
            while (at + 4 <= extensionsEnd)
            {
                final int type = u16(hello, at);
                final int extensionLength = u16(hello, at + 2);
                if (ServerHelloShape.EXTENSION_SUPPORTED_VERSIONS == type && 2 == extensionLength)
                {
                    tls13 = 0x0304 == u16(hello, at + 4);
                }
                found[count++] = type;
                at += 4 + extensionLength;
            }
            if (!tls13)
            {
                throw new NotTls13Exception("answered with TLS 1.2 or older");
            }
            return retry ? null : java.util.Arrays.copyOf(found, count);
        }
        catch (final ArrayIndexOutOfBoundsException ex)
        {
            throw new NotTls13Exception("answered with a ServerHello that does not parse");
        }
    }

    private static int u16(final byte[] bytes, final int offset)
    {
        return (bytes[offset] & 0xff) << 8 | bytes[offset + 1] & 0xff;
    }

    /**
     * What the host's records showed so far.
     */
    private static final class Observed
    {
        int[] suiteAndExtensions;
        boolean helloSeen;
        boolean changeCipherSpec;
        boolean flightDone;
        final int[] flight = new int[MAX_RECORDS];
        int flightRecords;

        void onRecord(final byte[] record) throws IOException
        {
            final int type = record[0];
            final int length = record.length - 5;
            if (TYPE_ALERT == type && !helloSeen)
            {
                throw new NotTls13Exception("answered the TLS 1.3 hello with an alert");
            }
            if (TYPE_HANDSHAKE == type && !helloSeen)
            {
                final int[] parsed = parseServerHello(record, 5, length);
                if (null != parsed) // a HelloRetryRequest is followed by the real ServerHello
                {
                    suiteAndExtensions = parsed;
                    helloSeen = true;
                }
            }
            else if (TYPE_CHANGE_CIPHER_SPEC == type)
            {
                changeCipherSpec = true;
            }
            else if (TYPE_APPLICATION_DATA == type && helloSeen)
            {
                flight[flightRecords++] = length;
            }
        }

        ServerHelloShape shape() throws IOException
        {
            if (!helloSeen || 0 == flightRecords)
            {
                throw new IOException("the handshake ended before the host's first flight");
            }
            return new ServerHelloShape(suiteAndExtensions[0],
                java.util.Arrays.copyOfRange(suiteAndExtensions, 1, suiteAndExtensions.length), changeCipherSpec,
                java.util.Arrays.copyOf(flight, flightRecords));
        }
    }
}
