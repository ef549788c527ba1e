package io.mtgj.probe;

import io.mtgj.crypto.HmacSha256;
import io.mtgj.secret.Secret;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The JDK's own TLS ClientHello, taken from an {@link SSLEngine} that never gets an answer: a browser-like hello
 * (TLS 1.3 and 1.2, key shares, SNI, ALPN) for any server name. {@link #signed} turns one into a valid FakeTLS hello
 * for a secret, as a Telegram client signs its own (protocol.md 4.3).
 */
final class JdkClientHello
{
    /** Offset of the 32-byte random in a single-record hello (protocol.md 4.2). */
    static final int RANDOM_OFFSET = 11;
    /** Length of the random. */
    static final int RANDOM_LENGTH = 32;
    /** Offset of the 4 random bytes a client XORs with its clock. */
    static final int TIME_OFFSET = RANDOM_OFFSET + 28;
    private static final int RECORD_HEADER_LENGTH = 5;

    private JdkClientHello()
    {
    }

    /**
     * @param serverName the SNI to send.
     * @return one TLS record holding the hello.
     * @throws GeneralSecurityException when TLS is not available or the JDK refuses to make one.
     */
    static byte[] capture(final String serverName) throws GeneralSecurityException
    {
        try
        {
            return wrapHello(serverName);
        }
        catch (final SSLException ex)
        {
            throw new GeneralSecurityException("the JDK made no ClientHello for " + serverName + ": " + ex, ex);
        }
    }

    private static byte[] wrapHello(final String serverName) throws GeneralSecurityException, SSLException
    {
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        final SSLEngine engine = context.createSSLEngine(serverName, 443);
        engine.setUseClientMode(true);
        final SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(serverName)));
        parameters.setApplicationProtocols(new String[] {"h2", "http/1.1"});
        engine.setSSLParameters(parameters);
        final ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        engine.closeOutbound();
        out.flip();
        final byte[] hello = new byte[out.remaining()];
        out.get(hello);
        final int recordLength = (hello[3] & 0xff) << 8 | (hello[4] & 0xff);
        if (hello.length < RECORD_HEADER_LENGTH || 0x16 != hello[0] ||
            RECORD_HEADER_LENGTH + recordLength != hello.length)
        {
            throw new SSLException("the JDK's first TLS record is not one ClientHello record");
        }
        return hello;
    }

    /**
     * @param hello    a single-record ClientHello, e.g. from {@link #capture}, whose SNI is the secret's host.
     * @param secret   the FakeTLS secret.
     * @param unixTime the client's clock in unix seconds.
     * @return a copy with the record version Telegram clients send ({@code 03 01}, protocol.md 4.2) whose random
     *         is {@code HMAC-SHA256(key, hello with a zero random)} with the time XORed into its last four bytes,
     *         little-endian: what the proxy accepts from a client.
     */
    static byte[] signed(final byte[] hello, final Secret secret, final long unixTime)
    {
        final byte[] record = hello.clone();
        record[1] = 0x03;
        record[2] = 0x01;
        Arrays.fill(record, RANDOM_OFFSET, RANDOM_OFFSET + RANDOM_LENGTH, (byte)0);
        final byte[] digest = HmacSha256.mac(secret.key(), record, 0, record.length);
        for (int i = 0; i < 4; i++)
        {
            digest[28 + i] ^= (byte)(unixTime >>> (8 * i));
        }
        System.arraycopy(digest, 0, record, RANDOM_OFFSET, RANDOM_LENGTH);
        return record;
    }
}
