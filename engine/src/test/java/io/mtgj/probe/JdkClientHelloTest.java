package io.mtgj.probe;

import io.mtgj.faketls.ClientHello;
import io.mtgj.faketls.HelloVerdict;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class JdkClientHelloTest
{
    private static final long NOW_SEC = 1_800_000_000L;
    private final Secret secret = Secret.generate(SecretMode.FAKE_TLS, "cloak.mtgj.test", new Random(7));

    @Test
    void shouldCaptureOneClientHelloRecordForTheName() throws Exception
    {
        final byte[] hello = JdkClientHello.capture("www.example.com");

        assertEquals(hello.length, ClientHello.measure(hello, hello.length));
        final ClientHello parsed = ClientHello.parse(hello, hello.length);
        assertNotNull(parsed);
        assertEquals(1, parsed.serverNameCount());
        assertEquals("www.example.com", parsed.serverName(0));
    }

    @Test
    void shouldSignAHelloTheProxyAccepts() throws Exception
    {
        final byte[] hello = JdkClientHello.signed(JdkClientHello.capture(secret.host()), secret, NOW_SEC);

        final ClientHello parsed = ClientHello.parse(hello, ClientHello.measure(hello, hello.length));
        assertNotNull(parsed);
        assertEquals(NOW_SEC, parsed.provenTime(secret.key()));
        assertEquals(HelloVerdict.OK, parsed.verify(secret.key(), secret.host(), NOW_SEC + 1, 5), "verdict");
    }

    @Test
    void shouldNotSignForAnotherKey() throws Exception
    {
        final Secret other = Secret.generate(SecretMode.FAKE_TLS, secret.host(), new Random(8));
        final byte[] hello = JdkClientHello.signed(JdkClientHello.capture(secret.host()), other, NOW_SEC);

        final ClientHello parsed = ClientHello.parse(hello, ClientHello.measure(hello, hello.length));
        assertTrue(ClientHello.NOT_PROVEN == parsed.provenTime(secret.key()));
    }
}
