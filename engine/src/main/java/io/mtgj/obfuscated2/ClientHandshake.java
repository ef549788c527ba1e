package io.mtgj.obfuscated2;

import io.mtgj.crypto.AesCtr;

import java.util.Random;

/**
 * The initiator side of obfuscated2: the proxy dialing a DC (no secret, protocol.md 3.1) or a client dialing a
 * proxy (with a secret, protocol.md 9.1). Builds the frame to send and both ciphers.
 */
public final class ClientHandshake
{
    private static final int[] FORBIDDEN_FIRST_WORDS =
    {
        0x44414548, // HEAD
        0x54534f50, // POST
        0x20544547, // GET
        0x4954504f, // OPTI
        0xdddddddd,
        0xeeeeeeee,
        0x02010316, // 16 03 01 02: TLS
    };

    private final byte[] wireFrame;
    private final AesCtr encryptor;
    private final AesCtr decryptor;

    private ClientHandshake(final byte[] wireFrame, final AesCtr encryptor, final AesCtr decryptor)
    {
        this.wireFrame = wireFrame;
        this.encryptor = encryptor;
        this.decryptor = decryptor;
    }

    /**
     * @param random    source of the frame; a SecureRandom outside tests.
     * @param secretKey 16-byte key when dialing a proxy, null when dialing a DC.
     * @param tagWire   the transport tag word to announce.
     * @param dc        the signed DC index to announce.
     * @return the frame to send and the ciphers.
     */
    public static ClientHandshake create(
        final Random random, final byte[] secretKey, final int tagWire, final short dc)
    {
        final byte[] frame = new byte[HandshakeFrame.LENGTH];
        do
        {
            random.nextBytes(frame);
        }
        while (isForbidden(frame));
        return fromFrame(frame, secretKey, tagWire, dc);
    }

    /**
     * A secretless frame (proxy to DC) whose responder to initiator stream is {@code keyIv}: the DC then encrypts
     * its answers with exactly the stream a client expects from the proxy, so they can be relayed untouched (the
     * "fast mode" of protocol.md 3.2).
     *
     * @param random  source of the other frame bytes.
     * @param keyIv   the client's proxy to client key (32 bytes) and IV (16 bytes), at stream offset 0.
     * @param tagWire the transport tag word to announce.
     * @param dc      the signed DC index to announce.
     * @return the frame to send and the ciphers; the decryptor equals the client's stream.
     */
    public static ClientHandshake mirroring(final Random random, final byte[] keyIv, final int tagWire, final short dc)
    {
        final byte[] frame = new byte[HandshakeFrame.LENGTH];
        do
        {
            random.nextBytes(frame);
            // Responder to initiator key and IV are frame[8..56) reversed (protocol.md 3.1 step 4).
            for (int i = 0; i < HandshakeFrame.KEY_IV_LENGTH; i++)
            {
                frame[HandshakeFrame.KEY_OFFSET + HandshakeFrame.KEY_IV_LENGTH - 1 - i] = keyIv[i];
            }
        }
        while (isForbidden(frame));
        return fromFrame(frame, null, tagWire, dc);
    }

    /**
     * Deterministic variant for vectors: {@code frame}'s bytes are used as they are, except tag and DC.
     *
     * @param frame     64 bytes; bytes 56..62 are overwritten with the tag and DC.
     * @param secretKey 16-byte key, or null.
     * @param tagWire   the tag word.
     * @param dc        the DC index.
     * @return the frame to send and the ciphers.
     */
    public static ClientHandshake fromFrame(
        final byte[] frame, final byte[] secretKey, final int tagWire, final short dc)
    {
        final byte[] f = frame.clone();
        f[HandshakeFrame.TAG_OFFSET] = (byte)tagWire;
        f[HandshakeFrame.TAG_OFFSET + 1] = (byte)(tagWire >>> 8);
        f[HandshakeFrame.TAG_OFFSET + 2] = (byte)(tagWire >>> 16);
        f[HandshakeFrame.TAG_OFFSET + 3] = (byte)(tagWire >>> 24);
        f[HandshakeFrame.DC_OFFSET] = (byte)dc;
        f[HandshakeFrame.DC_OFFSET + 1] = (byte)(dc >>> 8);

        final AesCtr encryptor = HandshakeFrame.forwardStream(f, secretKey);
        final AesCtr decryptor = HandshakeFrame.backwardStream(f, secretKey);
        final byte[] encrypted = encryptor.process(f);
        // The first 56 bytes go in clear, only tag, DC and the last random bytes encrypted (protocol.md 3.1 step 6).
        System.arraycopy(encrypted, HandshakeFrame.TAG_OFFSET, f, HandshakeFrame.TAG_OFFSET,
            HandshakeFrame.LENGTH - HandshakeFrame.TAG_OFFSET);
        return new ClientHandshake(f, encryptor, decryptor);
    }

    /**
     * @param frame a candidate frame in clear.
     * @return whether a server could mistake it for another protocol (protocol.md 2.3).
     */
    static boolean isForbidden(final byte[] frame)
    {
        if ((frame[0] & 0xff) == 0xef)
        {
            return true;
        }
        final int first = HandshakeFrame.readLe32(frame, 0);
        for (final int word : FORBIDDEN_FIRST_WORDS)
        {
            if (first == word)
            {
                return true;
            }
        }
        return 0 == HandshakeFrame.readLe32(frame, 4);
    }

    /**
     * @return a copy of the 64 bytes to send.
     */
    public byte[] wireFrame()
    {
        return wireFrame.clone();
    }

    /**
     * @return initiator to responder stream, positioned after the frame.
     */
    public AesCtr encryptor()
    {
        return encryptor;
    }

    /**
     * @return responder to initiator stream, at offset 0.
     */
    public AesCtr decryptor()
    {
        return decryptor;
    }
}
