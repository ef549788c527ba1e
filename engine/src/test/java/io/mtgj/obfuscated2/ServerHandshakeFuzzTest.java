package io.mtgj.obfuscated2;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mtgj.secret.Hex;
import org.junit.jupiter.api.Timeout;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The responder side of obfuscated2 reads 64 bytes nobody vouched for. Whatever they are,
 * {@link ServerHandshake#accept} derives the two streams of protocol.md 2.2 without throwing and without writing to
 * its input; the tag, the DC and both streams are checked against a derivation of their own with the JDK's
 * AES/CTR and SHA-256.
 * <p>
 * Input: byte 0 chooses the key (bit 0 set: the vectors' secret key; clear: none, as on the proxy to DC leg) and
 * where the frame starts in its array (bits 1-3); the bytes after it are the frame, zero-padded to 64.
 * Seeds (ServerHandshakeFuzzTestInputs/accept): the wire frames of {@code vectors/obfuscated2} with their key
 * (every tag, ±DC) and without (the DC leg), one at a non-zero offset, a short frame, an all-zero frame.
 */
@Timeout(60)
class ServerHandshakeFuzzTest
{
    private static final byte[] KEY = Hex.decode("367a189aee18fa31c190054efd4a8e95");
    private static final int AES_BLOCK = 16;

    @FuzzTest
    void accept(final byte[] input) throws GeneralSecurityException
    {
        final int control = input.length > 0 ? input[0] : 0;
        final byte[] key = 0 != (control & 1) ? KEY : null;
        final int offset = (control >>> 1) & 7;
        final byte[] bytes = new byte[offset + HandshakeFrame.LENGTH];
        if (input.length > 1)
        {
            System.arraycopy(input, 1, bytes, offset, Math.min(HandshakeFrame.LENGTH, input.length - 1));
        }
        final byte[] before = bytes.clone();

        final ServerHandshake handshake = ServerHandshake.accept(bytes, offset, key);

        assertArrayEquals(before, bytes, "the frame is read, never written");
        final byte[] frame = Arrays.copyOfRange(bytes, offset, offset + HandshakeFrame.LENGTH);
        final Cipher forward = ctr(forwardKey(frame, key), frame, HandshakeFrame.IV_OFFSET);
        final byte[] clear = forward.update(frame);
        assertEquals(le32(clear, HandshakeFrame.TAG_OFFSET), handshake.tagWire());
        assertEquals((short)((clear[HandshakeFrame.DC_OFFSET] & 0xff) | (clear[HandshakeFrame.DC_OFFSET + 1] << 8)),
            handshake.dc());

        final byte[] next = Arrays.copyOf(frame, AES_BLOCK + 3); // any bytes: the keystream is what is compared
        assertArrayEquals(forward.update(next), handshake.decryptor().process(next), "decryptor after the frame");

        final byte[] backward = backwardKeyIv(frame, key);
        assertArrayEquals(backward, handshake.encryptorKeyIv());
        assertArrayEquals(ctr(Arrays.copyOf(backward, HandshakeFrame.KEY_LENGTH), backward, HandshakeFrame.KEY_LENGTH)
            .update(next), handshake.encryptor().process(next), "encryptor from stream offset 0");
    }

    private static byte[] forwardKey(final byte[] frame, final byte[] key) throws GeneralSecurityException
    {
        final byte[] seed = Arrays.copyOfRange(frame, HandshakeFrame.KEY_OFFSET,
            HandshakeFrame.KEY_OFFSET + HandshakeFrame.KEY_LENGTH);
        return null == key ? seed : sha256(seed, key);
    }

    private static byte[] backwardKeyIv(final byte[] frame, final byte[] key) throws GeneralSecurityException
    {
        final byte[] reversed = new byte[HandshakeFrame.KEY_LENGTH + HandshakeFrame.IV_LENGTH];
        for (int i = 0; i < reversed.length; i++)
        {
            reversed[i] = frame[HandshakeFrame.TAG_OFFSET - 1 - i];
        }
        if (null != key)
        {
            final byte[] derived = sha256(Arrays.copyOf(reversed, HandshakeFrame.KEY_LENGTH), key);
            System.arraycopy(derived, 0, reversed, 0, HandshakeFrame.KEY_LENGTH);
        }
        return reversed;
    }

    private static byte[] sha256(final byte[] first, final byte[] second) throws GeneralSecurityException
    {
        final MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(first);
        digest.update(second);
        return digest.digest();
    }

    private static Cipher ctr(final byte[] key, final byte[] ivSource, final int ivOffset)
        throws GeneralSecurityException
    {
        final Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"),
            new IvParameterSpec(ivSource, ivOffset, HandshakeFrame.IV_LENGTH));
        return cipher;
    }

    private static int le32(final byte[] bytes, final int offset)
    {
        return (bytes[offset] & 0xff) | (bytes[offset + 1] & 0xff) << 8 | (bytes[offset + 2] & 0xff) << 16 |
            (bytes[offset + 3] & 0xff) << 24;
    }
}
