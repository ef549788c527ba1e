package io.mtgj.perf;

import io.mtgj.perf.middle.FakeMiddleProxy;
import io.mtgj.perf.middle.MiddleConfigServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.util.Random;

/**
 * A promoted-channel test class: Telegram's side ({@link MiddleSide}) starts before each test and closes after it.
 */
abstract class WithMiddleSide
{
    final Random random;
    MiddleSide side;
    byte[] proxySecret;
    FakeMiddleProxy middleProxy;
    MiddleConfigServer configServer;

    /**
     * @param seed the test's random seed: its secrets, payloads and proxy secret.
     */
    WithMiddleSide(final long seed)
    {
        this.random = new Random(seed);
    }

    @BeforeEach
    void startTelegramSide() throws IOException
    {
        side = MiddleSide.start(random);
        proxySecret = side.proxySecret;
        middleProxy = side.middleProxy;
        configServer = side.configServer;
    }

    @AfterEach
    void stopTelegramSide() throws Exception
    {
        side.close();
    }
}
