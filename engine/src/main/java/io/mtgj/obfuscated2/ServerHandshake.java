package io.mtgj.obfuscated2;

import io.mtgj.crypto.AesBlock;
import io.mtgj.crypto.AesCtr;
import io.mtgj.crypto.Sha256;

/**
 * The responder side of obfuscated2: the proxy reading a client's 64-byte frame (protocol.md 2.2). Derives both
 * streams, decrypts the tag and DC. Deciding whether the tag is acceptable is the caller's policy. The responder
 * to initiator cipher is only built when asked for: a proxy that lets the DC encrypt for the client never needs it.
 */
public final class ServerHandshake
{
    private final AesCtr decryptor;
    private final byte[] encryptorKeyIv;
    private final int tagWire;
    private final short dc;
    private AesCtr encryptor;

    private ServerHandshake(final AesCtr decryptor, final byte[] encryptorKeyIv, final int tagWire, final short dc)
    {
        this.decryptor = decryptor;
        this.encryptorKeyIv = encryptorKeyIv;
        this.tagWire = tagWire;
        this.dc = dc;
    }

    /**
     * @param frame     the 64 bytes exactly as received, at {@code offset}; not modified.
     * @param offset    where the frame starts.
     * @param secretKey the 16-byte key, or null for a leg without a secret (a DC reading a proxy's frame).
     * @return ciphers (the decryptor already past the frame) with the decrypted tag and DC.
     */
    public static ServerHandshake accept(final byte[] frame, final int offset, final byte[] secretKey)
    {
        final byte[] f = new byte[HandshakeFrame.LENGTH];
        System.arraycopy(frame, offset, f, 0, HandshakeFrame.LENGTH);
        final AesCtr decryptor = HandshakeFrame.forwardStream(f, secretKey);
        final byte[] encryptorKeyIv = HandshakeFrame.backwardKeyIv(f, secretKey);
        final byte[] decrypted = decryptor.process(f);

        final int tag = HandshakeFrame.readLe32(decrypted, HandshakeFrame.TAG_OFFSET);
        final short dc = (short)((decrypted[HandshakeFrame.DC_OFFSET] & 0xff) |
            (decrypted[HandshakeFrame.DC_OFFSET + 1] & 0xff) << 8);
        return new ServerHandshake(decryptor, encryptorKeyIv, tag, dc);
    }

    /**
     * The transport tag word a frame carries under a secret, from one keystream block instead of both streams: a
     * proxy with many secrets tries each of them this way and builds the streams only for the one that fits.
     *
     * @param frame     the 64 bytes exactly as received, at {@code offset}; not modified.
     * @param offset    where the frame starts.
     * @param secretKey the 16-byte key.
     * @return the decrypted tag word, as {@link #tagWire()} would give it.
     */
    public static int peekTag(final byte[] frame, final int offset, final byte[] secretKey)
    {
        final byte[] key = Sha256.digest(frame, offset + HandshakeFrame.KEY_OFFSET, HandshakeFrame.KEY_LENGTH,
            secretKey);
        // The tag sits in the frame's fourth block: the keystream there is AES(key, IV + 3), the counter big-endian.
        final byte[] block = new byte[AesBlock.LENGTH];
        System.arraycopy(frame, offset + HandshakeFrame.IV_OFFSET, block, 0, AesBlock.LENGTH);
        int carry = HandshakeFrame.TAG_OFFSET / AesBlock.LENGTH;
        for (int i = AesBlock.LENGTH - 1; i >= 0 && 0 != carry; i--)
        {
            final int sum = (block[i] & 0xff) + carry;
            block[i] = (byte)sum;
            carry = sum >>> 8;
        }
        AesBlock.encrypt(key, block, 0, block, 0);
        final int at = HandshakeFrame.TAG_OFFSET % AesBlock.LENGTH;
        return (frame[offset + HandshakeFrame.TAG_OFFSET] ^ block[at]) & 0xff |
            ((frame[offset + HandshakeFrame.TAG_OFFSET + 1] ^ block[at + 1]) & 0xff) << 8 |
            ((frame[offset + HandshakeFrame.TAG_OFFSET + 2] ^ block[at + 2]) & 0xff) << 16 |
            ((frame[offset + HandshakeFrame.TAG_OFFSET + 3] ^ block[at + 3]) & 0xff) << 24;
    }

    /**
     * @return client to proxy stream, positioned after the frame.
     */
    public AesCtr decryptor()
    {
        return decryptor;
    }

    /**
     * @return proxy to client stream, at offset 0.
     */
    public AesCtr encryptor()
    {
        if (null == encryptor)
        {
            encryptor = new AesCtr(encryptorKeyIv, 0, encryptorKeyIv, HandshakeFrame.KEY_LENGTH);
        }
        return encryptor;
    }

    /**
     * @return a copy of the proxy to client key (32 bytes) and IV (16 bytes), at stream offset 0.
     */
    public byte[] encryptorKeyIv()
    {
        return encryptorKeyIv.clone();
    }

    /**
     * @return the decrypted tag word; compare with {@link io.mtgj.transport.ProtocolTag#fromWire(int)}.
     */
    public int tagWire()
    {
        return tagWire;
    }

    /**
     * @return the signed DC index: negative for media, 0 for unset.
     */
    public short dc()
    {
        return dc;
    }
}
