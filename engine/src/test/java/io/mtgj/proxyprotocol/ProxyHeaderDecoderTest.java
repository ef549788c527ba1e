package io.mtgj.proxyprotocol;

import io.mtgj.secret.Hex;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fixed vectors written from HAProxy's proxy-protocol.txt (the v1 example line of section 2.1, the lengths it lists,
 * the v2 layout of section 2.2 with TLVs of 2.2.7), each also fed one byte at a time, plus malformed headers and
 * seeded garbage.
 */
@Timeout(30)
class ProxyHeaderDecoderTest
{
    /** Where the connection's bytes start in the test buffer: the decoder must honour an offset. */
    private static final int OFFSET = 5;
    private static final String V2_SIGNATURE = "0d0a0d0a000d0a515549540a";
    private static final byte[] CLIENT_BYTES = "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();

    @Test
    void shouldDecodeTheSpecsTcp4Line() throws Exception
    {
        final byte[] header = ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n");
        assertComplete(header, HeaderStatus.PROXY);
        assertEquals(1, decoder.version());
        assertEquals(4, decoder.addressLength());
        assertEquals(new InetSocketAddress(InetAddress.getByName("192.168.0.1"), 56324), decoder.source());
        assertEquals(new InetSocketAddress(InetAddress.getByName("192.168.0.11"), 443), decoder.destination());
        assertEquals((byte)192, decoder.sourceAddressByte(0));
    }

    @Test
    void shouldDecodeTcp6LinesWithCompressedAndMappedAddresses() throws Exception
    {
        assertComplete(ascii("PROXY TCP6 2001:db8::1 ::ffff:192.0.2.7 65535 0\r\n"), HeaderStatus.PROXY);
        assertEquals(16, decoder.addressLength());
        assertEquals(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 65535), decoder.source());
        // an IPv4-mapped address is the IPv4 client it stands for
        assertEquals(new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 0), decoder.destination());

        assertComplete(ascii("PROXY TCP6 :: 1:2:3:4:5:6:7:: 1 2\r\n"), HeaderStatus.PROXY);
        assertEquals(InetAddress.getByName("::"), decoder.source().getAddress());
        assertEquals(InetAddress.getByName("1:2:3:4:5:6:7:0"), decoder.destination().getAddress());
    }

    @Test
    void shouldTakeTheLongestLinesTheSpecAllows()
    {
        final String full = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        final byte[] tcp6 = ascii("PROXY TCP6 " + full + " " + full + " 65535 65535\r\n");
        assertEquals(104, tcp6.length);
        assertComplete(tcp6, HeaderStatus.PROXY);
        final byte[] unknown = ascii("PROXY UNKNOWN " + full + " " + full + " 65535 65535\r\n");
        assertEquals(ProxyHeaderDecoder.V1_MAX_LENGTH, unknown.length);
        assertComplete(unknown, HeaderStatus.UNKNOWN);
    }

    @Test
    void shouldDecodeUnknownLines()
    {
        assertComplete(ascii("PROXY UNKNOWN\r\n"), HeaderStatus.UNKNOWN);
        assertEquals(15, decoder.headerLength());
        assertComplete(ascii("PROXY UNKNOWN whatever the sender had\r\n"), HeaderStatus.UNKNOWN);
    }

    @Test
    void shouldDecodeV2ProxyOverIpv4WithTlvs() throws Exception
    {
        final byte[] header = Hex.decode(V2_SIGNATURE + "21" + "11" + "0016" +
            "c0000201" + "c6336407" + "d431" + "01bb" + // 192.0.2.1:54321 -> 198.51.100.7:443
            "04" + "0003" + "616263" + // PP2_TYPE_NOOP "abc"
            "05" + "0001" + "2a"); // PP2_TYPE_UNIQUE_ID
        assertComplete(header, HeaderStatus.PROXY);
        assertEquals(2, decoder.version());
        assertEquals(16 + 22, decoder.headerLength());
        assertEquals(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 54321), decoder.source());
        assertEquals(new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 443), decoder.destination());
    }

    @Test
    void shouldDecodeV2ProxyOverIpv6() throws Exception
    {
        final byte[] header = Hex.decode(V2_SIGNATURE + "21" + "21" + "0024" +
            "20010db8000000000000000000000001" + "20010db8000000000000000000000002" + "0050" + "01bb");
        assertComplete(header, HeaderStatus.PROXY);
        assertEquals(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 80), decoder.source());
        assertEquals(new InetSocketAddress(InetAddress.getByName("2001:db8::2"), 443), decoder.destination());
    }

    @Test
    void shouldDecodeV2LocalAndSkipWhatItCarries()
    {
        assertComplete(Hex.decode(V2_SIGNATURE + "20" + "00" + "0000"), HeaderStatus.LOCAL);
        assertEquals(16, decoder.headerLength());
        // "must not assume zero is presented for LOCAL connections"; its family is ignored, even an undefined one
        assertComplete(Hex.decode(V2_SIGNATURE + "20" + "ff" + "0004" + "01020304"), HeaderStatus.LOCAL);
        assertEquals(20, decoder.headerLength());
    }

    @Test
    void shouldTakeV2ProxyWithAnUnspecifiedFamilyAsUnknown()
    {
        assertComplete(Hex.decode(V2_SIGNATURE + "21" + "00" + "0000"), HeaderStatus.UNKNOWN);
    }

    @Test
    void shouldRefuseWhatIsNoHeaderAtTheFirstByte()
    {
        assertInvalid(CLIENT_BYTES, HeaderError.NO_HEADER);
        assertEquals(HeaderStatus.INVALID, decode(new byte[] {0x16}, 1)); // a TLS record
        assertEquals(HeaderStatus.INVALID, decode(new byte[] {(byte)0xef}, 1)); // an obfuscated2 frame
        assertInvalid(ascii("PROXZ TCP4 1.2.3.4 5.6.7.8 1 2\r\n"), HeaderError.NO_HEADER);
        assertInvalid(ascii("PROXY\r\n"), HeaderError.NO_HEADER);
        assertInvalid(Hex.decode("0d0a0d0a000d0a515549540b" + "21110000"), HeaderError.NO_HEADER);
        assertEquals(HeaderStatus.INVALID, decode(Hex.decode("0d0a0d0a01"), 5));
    }

    @Test
    void shouldRefuseBadV2Headers()
    {
        assertInvalid(Hex.decode(V2_SIGNATURE + "11" + "11" + "000c" + "0".repeat(24)), HeaderError.BAD_VERSION);
        assertInvalid(Hex.decode(V2_SIGNATURE + "22" + "11" + "000c" + "0".repeat(24)), HeaderError.BAD_COMMAND);
        assertInvalid(Hex.decode(V2_SIGNATURE + "21" + "13" + "000c" + "0".repeat(24)), HeaderError.BAD_FAMILY);
        assertInvalid(Hex.decode(V2_SIGNATURE + "21" + "41" + "000c" + "0".repeat(24)), HeaderError.BAD_FAMILY);
        assertInvalid(Hex.decode(V2_SIGNATURE + "21" + "31" + "00d8" + "0".repeat(432)),
            HeaderError.UNSUPPORTED_FAMILY);
        assertInvalid(Hex.decode(V2_SIGNATURE + "21" + "12" + "000c" + "0".repeat(24)),
            HeaderError.UNSUPPORTED_FAMILY);
        assertInvalid(Hex.decode(V2_SIGNATURE + "21" + "11" + "0008" + "0".repeat(16)), HeaderError.BAD_LENGTH);
        assertInvalid(Hex.decode(V2_SIGNATURE + "21" + "21" + "000c" + "0".repeat(24)), HeaderError.BAD_LENGTH);
        // a TLV claiming more than the block holds, and a block ending inside a TLV's header
        assertInvalid(Hex.decode(V2_SIGNATURE + "21" + "11" + "0010" + "0".repeat(24) + "04" + "0005" + "00"),
            HeaderError.BAD_LENGTH);
        assertInvalid(Hex.decode(V2_SIGNATURE + "21" + "11" + "000e" + "0".repeat(24) + "0400"),
            HeaderError.BAD_LENGTH);
        // an over-long length is refused as soon as it is read, not after waiting for 64 KB
        assertInvalid(Hex.decode(V2_SIGNATURE + "21" + "11" + "ffff"), HeaderError.TOO_LONG);
        final int bound = ProxyHeaderDecoder.V2_MAX_LENGTH - 16;
        assertEquals(HeaderStatus.NEED_MORE,
            decode(Hex.decode(V2_SIGNATURE + "21" + "11" + String.format("%04x", bound)), 16));
        assertInvalid(Hex.decode(V2_SIGNATURE + "21" + "11" + String.format("%04x", bound + 1)), HeaderError.TOO_LONG);
    }

    @Test
    void shouldWaitForATruncatedHeader()
    {
        final byte[] header = Hex.decode(V2_SIGNATURE + "21" + "11" + "000c" + "7f000001" + "7f000002" + "0001" + "0002");
        for (int length = 0; length < header.length; length++)
        {
            assertEquals(HeaderStatus.NEED_MORE, decode(header, length), "after " + length + " bytes");
        }
        final byte[] line = ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n");
        for (int length = 0; length < line.length; length++)
        {
            assertEquals(HeaderStatus.NEED_MORE, decode(line, length), "after " + length + " bytes");
        }
    }

    @Test
    void shouldRefuseBadLines()
    {
        assertInvalid(ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 2" + " ".repeat(80) + "\r\n"), HeaderError.TOO_LONG);
        assertInvalid(ascii("PROXY TCP4 " + "1".repeat(101)), HeaderError.TOO_LONG);
        assertInvalid(ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n"), HeaderError.BAD_LINE);
        assertInvalid(ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rX"), HeaderError.BAD_LINE);
        assertInvalid(ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n"), HeaderError.BAD_LINE);
        assertInvalid(ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n"), HeaderError.BAD_LINE);
        assertInvalid(ascii("PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n"), HeaderError.BAD_LINE);
        assertInvalid(ascii("PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n"), HeaderError.BAD_LINE);
        assertInvalid(ascii("PROXY TCP4\r\n"), HeaderError.BAD_LINE);
        assertInvalid(ascii("PROXY  TCP4 1.2.3.4 5.6.7.8 1 2\r\n"), HeaderError.BAD_LINE);
        assertInvalid(ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n"), HeaderError.BAD_LINE);
    }

    @Test
    void shouldRefuseBadPorts()
    {
        assertInvalid(ascii("PROXY TCP4 1.2.3.4 5.6.7.8 http 443\r\n"), HeaderError.BAD_PORT);
        assertInvalid(ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 65536\r\n"), HeaderError.BAD_PORT);
        assertInvalid(ascii("PROXY TCP4 1.2.3.4 5.6.7.8 080 443\r\n"), HeaderError.BAD_PORT);
        assertInvalid(ascii("PROXY TCP4 1.2.3.4 5.6.7.8 -1 443\r\n"), HeaderError.BAD_PORT);
        assertInvalid(ascii("PROXY TCP4 1.2.3.4 5.6.7.8 100000 443\r\n"), HeaderError.BAD_PORT);
    }

    @Test
    void shouldRefuseBadAddressesAndFamilyMismatches()
    {
        for (final String bad : new String[] {"256.1.1.1", "01.2.3.4", "1.2.3", "1.2.3.4.5", "1..3.4", "a.b.c.d",
            "1.2.3.4/8"})
        {
            assertInvalid(ascii("PROXY TCP4 " + bad + " 5.6.7.8 1 2\r\n"), HeaderError.BAD_ADDRESS);
        }
        for (final String bad : new String[] {"1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", ":1", "1:", "::g",
            "1:2:3:4:5:6:7:8::", "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4", "fe80::1%eth0"})
        {
            assertInvalid(ascii("PROXY TCP6 " + bad + " ::1 1 2\r\n"), HeaderError.BAD_ADDRESS);
        }
        assertInvalid(ascii("PROXY TCP4 ::1 5.6.7.8 1 2\r\n"), HeaderError.FAMILY_MISMATCH);
        assertInvalid(ascii("PROXY TCP4 1.2.3.4 2001:db8::1 1 2\r\n"), HeaderError.FAMILY_MISMATCH);
        assertInvalid(ascii("PROXY TCP6 1.2.3.4 ::1 1 2\r\n"), HeaderError.FAMILY_MISMATCH);
    }

    @Test
    void shouldSurviveSeededGarbageAndMutatedHeaders()
    {
        final Random random = new Random(16);
        final byte[][] seeds = {
            ascii("PROXY TCP6 2001:db8::1 ::ffff:192.0.2.7 65535 0\r\n"),
            ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"),
            Hex.decode(V2_SIGNATURE + "21" + "11" + "0013" + "c0000201c6336407d43101bb" + "040004" + "61626364"),
            Hex.decode(V2_SIGNATURE + "20" + "00" + "0000"),
        };
        for (int round = 0; round < 20_000; round++)
        {
            final byte[] bytes;
            if (round % 4 == 0)
            {
                bytes = new byte[random.nextInt(300)];
                random.nextBytes(bytes);
            }
            else
            {
                bytes = seeds[random.nextInt(seeds.length)].clone();
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--)
                {
                    bytes[random.nextInt(bytes.length)] = (byte)random.nextInt(256);
                }
            }
            final HeaderStatus status = decode(bytes, bytes.length);
            if (HeaderStatus.INVALID == status)
            {
                assertTrue(null != decoder.error());
            }
            else if (HeaderStatus.NEED_MORE != status)
            {
                assertTrue(decoder.headerLength() > 0 && decoder.headerLength() <= bytes.length);
                if (HeaderStatus.PROXY == status)
                {
                    decoder.source();
                    decoder.destination();
                }
            }
        }
    }

    /**
     * The header, then client bytes after it, whole and one byte at a time: NEED_MORE until its last byte, then the
     * same verdict with the client's bytes left out of the header's length.
     */
    private void assertComplete(final byte[] header, final HeaderStatus expected)
    {
        final byte[] withClient = new byte[header.length + CLIENT_BYTES.length];
        System.arraycopy(header, 0, withClient, 0, header.length);
        System.arraycopy(CLIENT_BYTES, 0, withClient, header.length, CLIENT_BYTES.length);
        for (int length = 1; length < header.length; length++)
        {
            assertEquals(HeaderStatus.NEED_MORE, decode(withClient, length), "after " + length + " bytes");
        }
        assertEquals(expected, decode(header, header.length));
        assertEquals(header.length, decoder.headerLength());
        assertEquals(expected, decode(withClient, withClient.length));
        assertEquals(header.length, decoder.headerLength());
    }

    private void assertInvalid(final byte[] bytes, final HeaderError expected)
    {
        assertEquals(HeaderStatus.INVALID, decode(bytes, bytes.length));
        assertEquals(expected, decoder.error());
    }

    private HeaderStatus decode(final byte[] bytes, final int length)
    {
        final byte[] padded = new byte[OFFSET + bytes.length + 3];
        System.arraycopy(bytes, 0, padded, OFFSET, bytes.length);
        return decoder.decode(new UnsafeBuffer(padded), OFFSET, length);
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
