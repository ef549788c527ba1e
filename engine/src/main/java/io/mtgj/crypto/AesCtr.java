package io.mtgj.crypto;

import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * One AES-256-CTR keystream (protocol.md notation: big-endian 128-bit counter). Encryption and decryption are the
 * same operation; the stream position carries over between calls, so one object serves one direction for the
 * whole life of a connection.
 * <p>
 * <b>Dormancy.</b> An initialized JCE cipher holds about 900 bytes of heap (both AES key schedules, its counter
 * blocks and three objects around them), the largest part of an idle connection. {@link #sleep()} drops it and keeps
 * only the key, the first counter block and the position (about 100 bytes); the next {@link #update} builds the
 * cipher again at that position. A connection that has been silent for a while sleeps its ciphers, so thousands of
 * idle ones cost little; one that is busy never rebuilds.
 * <p>
 * <b>Spares.</b> A dropped cipher is kept, up to {@value #MAX_SPARE_CIPHERS} per thread, and re-keyed for the next
 * stream that thread starts or wakes: {@code Cipher.getInstance} costs a few microseconds and a third of the garbage
 * a client's connection makes (its transformation is parsed and the providers searched every time), where re-keying
 * costs only the key schedule. A stream's owner calls {@link #sleep()} when it is done with it, too.
 */
public final class AesCtr extends AesStream
{
    /** AES-256 key length. */
    public static final int KEY_LENGTH = 32;
    /** Counter block length. */
    public static final int IV_LENGTH = 16;

    private static final String TRANSFORMATION = "AES/CTR/NoPadding";
    /** Spare ciphers kept per thread: a few dozen connections starting at once reuse them; about 1 KB each. */
    static final int MAX_SPARE_CIPHERS = 64;
    private static final ThreadLocal<ArrayDeque<Cipher>> SPARES = ThreadLocal.withInitial(ArrayDeque::new);

    private final byte[] key;
    private final byte[] iv;
    private long position;
    private Cipher cipher;

    /**
     * @param key 32 bytes at {@code keyOffset}.
     * @param keyOffset where the key starts.
     * @param iv 16 bytes at {@code ivOffset}.
     * @param ivOffset where the IV starts.
     */
    public AesCtr(final byte[] key, final int keyOffset, final byte[] iv, final int ivOffset)
    {
        this.key = Arrays.copyOfRange(key, keyOffset, keyOffset + KEY_LENGTH);
        this.iv = Arrays.copyOfRange(iv, ivOffset, ivOffset + IV_LENGTH);
        this.cipher = keyed(this.key, this.iv);
    }

    /**
     * @return a cipher for {@code key} from {@code counter}: this thread's spare re-keyed, or a new one.
     */
    private static Cipher keyed(final byte[] key, final byte[] counter)
    {
        final Cipher spare = SPARES.get().pollLast();
        if (null == spare)
        {
            return newCipher(TRANSFORMATION, Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"),
                new IvParameterSpec(counter));
        }
        try
        {
            spare.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(counter));
            return spare;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(TRANSFORMATION + " refused a key", ex);
        }
    }

    @Override
    Cipher cipher()
    {
        if (null == cipher)
        {
            cipher = resume();
        }
        return cipher;
    }

    @Override
    void advanced(final int length)
    {
        position += length;
    }

    /**
     * Drop the JCE cipher until the stream is used again (it is built again then), keeping it as a spare of the
     * calling thread; the stream's owner also calls this when done with it. Call on the thread that uses the stream.
     */
    public void sleep()
    {
        final Cipher dropped = cipher;
        if (null != dropped)
        {
            cipher = null;
            final ArrayDeque<Cipher> spares = SPARES.get();
            if (spares.size() < MAX_SPARE_CIPHERS)
            {
                spares.addLast(dropped);
            }
        }
    }

    /**
     * @return whether the cipher is dropped for now.
     */
    public boolean isAsleep()
    {
        return null == cipher;
    }

    /**
     * @return bytes transformed since the start of the stream.
     */
    public long position()
    {
        return position;
    }

    /**
     * A cipher whose keystream continues at {@link #position}: counter block {@code iv + position / 16} (with carry
     * across all 128 bits, as the JCE's counter mode counts), then the used part of that block skipped.
     */
    private Cipher resume()
    {
        final byte[] counter = counterAt(iv, position >>> 4);
        final Cipher resumed = keyed(key, counter);
        final int skip = (int)(position & (IV_LENGTH - 1));
        if (skip > 0)
        {
            try
            {
                resumed.update(new byte[skip], 0, skip, new byte[skip], 0);
            }
            catch (final ShortBufferException ex)
            {
                throw new IllegalStateException(ex);
            }
        }
        return resumed;
    }

    /**
     * @param iv     the first counter block.
     * @param blocks blocks to advance by.
     * @return {@code iv + blocks} as a big-endian 128-bit number.
     */
    static byte[] counterAt(final byte[] iv, final long blocks)
    {
        final byte[] counter = iv.clone();
        long carry = blocks;
        for (int i = IV_LENGTH - 1; i >= 0 && 0 != carry; i--)
        {
            final long sum = (counter[i] & 0xFFL) + (carry & 0xFFL);
            counter[i] = (byte)sum;
            carry = (carry >>> 8) + (sum >>> 8);
        }
        return counter;
    }
}
