package io.mtgj.net;

import io.mtgj.crypto.AesCtr;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * How to reach Telegram for one accepted client: addresses to try in order, the bytes to send first, and the
 * ciphers of the upstream leg.
 *
 * @param addresses candidates, dialed one after the other until one connects.
 * @param prologue  bytes sent before any relayed byte (the proxy's obfuscated2 frame).
 * @param encryptor proxy to upstream stream, positioned after the prologue.
 * @param decryptor upstream to proxy stream; null when the upstream already encrypts for the client (or is plain),
 *                  so its bytes are relayed untouched.
 */
public record UpstreamPlan(List<InetSocketAddress> addresses, byte[] prologue, AesCtr encryptor, AesCtr decryptor)
{
}
