package io.mtgj.perf;

import java.util.Random;

/**
 * Payload sizes for end-to-end tests: log-uniform from 1 byte to 1 MiB, so small packets dominate as in real
 * traffic while large ones still appear, with client 0 pinned to both extremes.
 */
final class Payloads
{
    static final int MAX = 1 << 20;

    private Payloads()
    {
    }

    static int size(final Random random, final int client, final int packet)
    {
        if (0 == client)
        {
            return 0 == packet ? 1 : MAX;
        }
        return (int)Math.max(1, Math.min(MAX, Math.round(Math.exp(random.nextDouble() * Math.log(MAX)))));
    }
}
