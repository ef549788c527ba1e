package io.mtgj.obfuscated2;

import io.mtgj.crypto.AesCtr;
import io.mtgj.crypto.Sha256;

/**
 * Layout of the 64-byte obfuscated2 initial frame (protocol.md 2.1).
 */
public final class HandshakeFrame
{
    /** Whole frame. */
    public static final int LENGTH = 64;
    /** Key seed for the initiator to responder direction. */
    public static final int KEY_OFFSET = 8;
    /** Key seed length. */
    public static final int KEY_LENGTH = 32;
    /** IV for the initiator to responder direction. */
    public static final int IV_OFFSET = 40;
    /** IV length. */
    public static final int IV_LENGTH = 16;
    /** Protocol tag, meaningful after decryption. */
    public static final int TAG_OFFSET = 56;
    /** Signed LE16 DC index, meaningful after decryption. */
    public static final int DC_OFFSET = 60;
    /** The key and IV range whose reversal gives the other direction's key and IV. */
    static final int KEY_IV_LENGTH = KEY_LENGTH + IV_LENGTH;

    private HandshakeFrame()
    {
    }

    /**
     * @param frame  bytes.
     * @param offset start of the word.
     * @return little-endian 32-bit word.
     */
    static int readLe32(final byte[] frame, final int offset)
    {
        return (frame[offset] & 0xff) | (frame[offset + 1] & 0xff) << 8 | (frame[offset + 2] & 0xff) << 16 |
            (frame[offset + 3] & 0xff) << 24;
    }

    /**
     * @param frame a 64-byte frame.
     * @return {@code frame[8..56)} reversed: the key and IV of the responder to initiator direction.
     */
    static byte[] reversedKeyIv(final byte[] frame)
    {
        final byte[] out = new byte[KEY_IV_LENGTH];
        for (int i = 0; i < KEY_IV_LENGTH; i++)
        {
            out[i] = frame[KEY_OFFSET + KEY_IV_LENGTH - 1 - i];
        }
        return out;
    }

    /**
     * @param frame     a 64-byte frame in clear.
     * @param secretKey the 16-byte key, or null on the proxy to DC leg.
     * @return the initiator to responder stream at offset 0 (protocol.md 2.2, 3.1).
     */
    static AesCtr forwardStream(final byte[] frame, final byte[] secretKey)
    {
        if (null == secretKey)
        {
            return new AesCtr(frame, KEY_OFFSET, frame, IV_OFFSET);
        }
        return new AesCtr(Sha256.digest(frame, KEY_OFFSET, KEY_LENGTH, secretKey), 0, frame, IV_OFFSET);
    }

    /**
     * @param frame     a 64-byte frame in clear.
     * @param secretKey the 16-byte key, or null on the proxy to DC leg.
     * @return the responder to initiator stream at offset 0: key and IV from the reversed frame bytes.
     */
    static AesCtr backwardStream(final byte[] frame, final byte[] secretKey)
    {
        final byte[] keyIv = backwardKeyIv(frame, secretKey);
        return new AesCtr(keyIv, 0, keyIv, KEY_LENGTH);
    }

    /**
     * @param frame     a 64-byte frame in clear.
     * @param secretKey the 16-byte key, or null on the proxy to DC leg.
     * @return the responder to initiator key (32 bytes) followed by its IV (16 bytes).
     */
    static byte[] backwardKeyIv(final byte[] frame, final byte[] secretKey)
    {
        final byte[] reversed = reversedKeyIv(frame);
        if (null != secretKey)
        {
            System.arraycopy(Sha256.digest(reversed, 0, KEY_LENGTH, secretKey), 0, reversed, 0, KEY_LENGTH);
        }
        return reversed;
    }
}
