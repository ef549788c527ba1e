package io.mtgj.middle.rpc;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A middle proxy's answers to our nonce and handshake (protocol.md 7.4, 7.6), whatever their payload:
 * {@link RpcMessages#serverNonce} returns the 16-byte server nonce exactly when the payload is an AES nonce message
 * for our key, else null; {@link RpcMessages#isHandshakeAccepted} is true exactly for a handshake echoing our PID with
 * no flags; neither throws nor writes to the payload.
 * <p>
 * Input: a frame's payload. Seeds (RpcMessagesFuzzTestInputs/answers): the Erlang proxy's nonce and handshake
 * answers, our own messages, a handshake error, a nonce for another key and payloads one word short or long.
 */
@Timeout(60)
class RpcMessagesFuzzTest
{
    private static final int SERVER_NONCE_OFFSET = 16;
    private static final int NONCE_LENGTH = 16;
    private static final int FLAGS_OFFSET = 4;
    private static final int PEER_PID_OFFSET = 20;

    @FuzzTest
    void answers(final byte[] input)
    {
        final byte[] payload = input.clone();

        final byte[] nonce = RpcMessages.serverNonce(payload, RpcVectorsTest.PROXY_SECRET);
        final boolean accepted = RpcMessages.isHandshakeAccepted(payload);

        assertArrayEquals(input, payload, "payload untouched");
        final boolean hello = Rpc.HELLO_PAYLOAD_LENGTH == payload.length;
        final boolean nonceForUs = hello && Rpc.NONCE == le32(payload, 0) &&
            Arrays.equals(payload, 4, 8, RpcVectorsTest.PROXY_SECRET, 0, 4) &&
            Rpc.CRYPTO_SCHEMA_AES == le32(payload, 8);
        if (nonceForUs)
        {
            assertArrayEquals(
                Arrays.copyOfRange(payload, SERVER_NONCE_OFFSET, SERVER_NONCE_OFFSET + NONCE_LENGTH), nonce);
        }
        else
        {
            assertNull(nonce);
        }
        assertEquals(hello && Rpc.HANDSHAKE == le32(payload, 0) && 0 == payload[FLAGS_OFFSET] &&
            Arrays.equals(payload, PEER_PID_OFFSET, PEER_PID_OFFSET + Rpc.PID.length, Rpc.PID, 0, Rpc.PID.length),
            accepted);
    }

    private static int le32(final byte[] bytes, final int offset)
    {
        return (bytes[offset] & 0xff) | (bytes[offset + 1] & 0xff) << 8 | (bytes[offset + 2] & 0xff) << 16 |
            (bytes[offset + 3] & 0xff) << 24;
    }
}
