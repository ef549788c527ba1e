package io.mtgj.perf;

import io.mtgj.secret.Secret;
import io.mtgj.transport.ProtocolTag;

import java.net.InetSocketAddress;

/**
 * One load run.
 *
 * @param target      the proxy (or DC, or plain relay) to drive.
 * @param secret      the proxy's secret; null to speak obfuscated2 without a secret, as to a DC or a plain relay.
 * @param tag         transport for simple secrets and secretless targets.
 * @param dc          signed DC index the clients ask for.
 * @param connections concurrent connections.
 * @param durationMs  how long to measure.
 * @param warmupMs    how long to run before measuring.
 * @param minPayload  smallest packet payload.
 * @param maxPayload  largest packet payload.
 * @param mode        what each connection does.
 * @param rate        total requests per second, open loop (echo and handshake-only); 0 runs closed loop.
 * @param timeoutMs   connect and read timeout.
 */
public record LoadSettings(
    InetSocketAddress target,
    Secret secret,
    ProtocolTag tag,
    short dc,
    int connections,
    long durationMs,
    long warmupMs,
    int minPayload,
    int maxPayload,
    LoadMode mode,
    double rate,
    int timeoutMs)
{
    /**
     * @throws IllegalArgumentException naming the bad value.
     */
    public LoadSettings
    {
        if (connections < 1)
        {
            throw new IllegalArgumentException("bad --connections " + connections + ": at least 1");
        }
        if (minPayload < 1 || maxPayload < minPayload || maxPayload > PayloadSizes.MAX_PAYLOAD)
        {
            throw new IllegalArgumentException("bad --payload " + minPayload + "-" + maxPayload + ": expected 1.." +
                PayloadSizes.MAX_PAYLOAD);
        }
        if (durationMs <= 0 || warmupMs < 0 || rate < 0 || timeoutMs <= 0)
        {
            throw new IllegalArgumentException("durations, rate and timeout must be positive");
        }
    }
}
