package io.mtgj.faketls;

import io.mtgj.crypto.HmacSha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class ServerHelloTest
{
    @Test
    void shouldBuildTheRecordsAClientChecks()
    {
        final byte[] helloBytes = ClientHelloTest.snapshot();
        final ClientHello hello = ClientHello.parse(helloBytes, helloBytes.length);
        final byte[] key = ClientHelloTest.SNAPSHOT_SECRET.key();
        final Random random = new Random(4);
        for (int i = 0; i < 20; i++)
        {
            final byte[] reply = ServerHello.build(key, hello, random);
            // As tdlib: one handshake record, exactly the CCS record, one ApplicationData record, nothing else.
            assertEquals(0x16, reply[0]);
            assertEquals(0x0303, ClientHello.u16(reply, 1));
            final int first = 5 + ClientHello.u16(reply, 3);
            assertArrayEquals(new byte[] {0x14, 0x03, 0x03, 0x00, 0x01, 0x01, 0x17, 0x03, 0x03},
                Arrays.copyOfRange(reply, first, first + 9));
            final int noise = ClientHello.u16(reply, first + 9);
            assertTrue(noise >= ServerHello.MIN_NOISE && noise < ServerHello.MIN_NOISE + ServerHello.NOISE_SPREAD);
            assertEquals(first + 6 + 5 + noise, reply.length);
            // The session id and the cipher suite are echoed.
            assertEquals(32, reply[43]);
            assertArrayEquals(hello.sessionId(), Arrays.copyOfRange(reply, 44, 76));
            assertEquals(0x1303, ClientHello.u16(reply, 76));
            // And the server random is the HMAC the client recomputes.
            final byte[] zeroed = reply.clone();
            Arrays.fill(zeroed, 11, 43, (byte)0);
            assertArrayEquals(HmacSha256.mac(key, hello.random(), zeroed), Arrays.copyOfRange(reply, 11, 43));
        }
    }
}
