package io.mtgj;

import io.mtgj.antireplay.ReplayCacheFile;
import io.mtgj.config.ClockWindow;
import io.mtgj.config.HelloPolicy;
import io.mtgj.config.ProxyConfig;
import io.mtgj.config.UnknownSni;
import io.mtgj.secret.Secret;
import io.mtgj.secret.SecretMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * How long saved anti-replay keys are kept across a restart: for FakeTLS secrets the clock window's past plus future
 * (and a second), for secrets whose handshakes carry no time everything.
 */
@Timeout(10)
class ProxyReplayRetentionTest
{
    private final Random random = new Random(14);

    @Test
    void shouldKeepFakeTlsKeysForPastPlusFuture()
    {
        final Secret secret = Secret.generate(SecretMode.FAKE_TLS, "example.com", random);
        final ProxyConfig config = ProxyConfig.builder(secret)
            .helloPolicy(new HelloPolicy(ClockWindow.parse("10m,30s"), UnknownSni.CLOAK)).build();

        assertEquals(600_000 + 30_000 + 1_000, Proxy.replayRetentionMs(config, null));
        assertEquals(720_000 + 1_000, Proxy.replayRetentionMs(ProxyConfig.builder(secret).build(), null),
            "the default window, 10m,2m");
    }

    @Test
    void shouldKeepEverythingForSecretsWithoutTime()
    {
        final Secret secret = Secret.generate(SecretMode.SECURED, null, random);
        assertEquals(ReplayCacheFile.KEEP_ALL, Proxy.replayRetentionMs(ProxyConfig.builder(secret).build(), null));
    }
}
