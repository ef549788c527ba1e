package io.mtgj.crypto;

/**
 * AES-256 encryption of one block (FIPS-197), for a look at a single keystream block of a CTR stream: enough to
 * tell which of many secrets a handshake frame was made with. Written out rather than taken from JCE because a
 * proxy with thousands of secrets expands a fresh key for every one of them on every handshake, and JCE's init also
 * builds the decryption schedule and objects around it: about five times the work. The full handshake that follows
 * a match still uses JCE.
 */
public final class AesBlock
{
    /** Bytes in an AES block. */
    public static final int LENGTH = 16;
    /** Bytes in an AES-256 key. */
    public static final int KEY_LENGTH = 32;

    private static final int ROUNDS = 14;
    private static final int KEY_WORDS = KEY_LENGTH / 4;
    private static final int SCHEDULE_WORDS = 4 * (ROUNDS + 1);
    private static final int[] SBOX = new int[256];
    /** Each round's SubBytes, ShiftRows and MixColumns for one input byte, one table a row of the state. */
    private static final int[] T0 = new int[256];
    private static final int[] T1 = new int[256];
    private static final int[] T2 = new int[256];
    private static final int[] T3 = new int[256];

    static
    {
        // The S-box from its definition: the inverse in GF(2^8), then the affine map. p walks the field by powers
        // of 3 (a generator) and q by powers of its inverse, so q = 1/p at every step.
        int p = 1;
        int q = 1;
        do
        {
            p = (p ^ timesTwo(p)) & 0xff;
            q ^= q << 1;
            q ^= q << 2;
            q ^= q << 4;
            q &= 0xff;
            if ((q & 0x80) != 0)
            {
                q ^= 0x09;
            }
            final int affine = q ^ rotate8(q, 1) ^ rotate8(q, 2) ^ rotate8(q, 3) ^ rotate8(q, 4);
            SBOX[p] = (affine ^ 0x63) & 0xff;
        }
        while (p != 1);
        SBOX[0] = 0x63; // 0 has no inverse
        for (int i = 0; i < 256; i++)
        {
            final int s = SBOX[i];
            final int s2 = timesTwo(s);
            T0[i] = s2 << 24 | s << 16 | s << 8 | (s2 ^ s);
            T1[i] = Integer.rotateRight(T0[i], 8);
            T2[i] = Integer.rotateRight(T0[i], 16);
            T3[i] = Integer.rotateRight(T0[i], 24);
        }
    }

    private AesBlock()
    {
    }

    /**
     * @param key       a 32-byte AES-256 key.
     * @param in        the block to encrypt, at {@code inOffset}.
     * @param inOffset  where it starts.
     * @param out       where the encrypted block goes, at {@code outOffset}; may be {@code in}.
     * @param outOffset where it goes.
     */
    public static void encrypt(final byte[] key, final byte[] in, final int inOffset, final byte[] out,
        final int outOffset)
    {
        if (KEY_LENGTH != key.length)
        {
            throw new IllegalArgumentException("AES-256 needs a 32-byte key, not " + key.length);
        }
        final int[] w = expand(key);
        int s0 = word(in, inOffset) ^ w[0];
        int s1 = word(in, inOffset + 4) ^ w[1];
        int s2 = word(in, inOffset + 8) ^ w[2];
        int s3 = word(in, inOffset + 12) ^ w[3];
        for (int round = 1; round < ROUNDS; round++)
        {
            final int k = 4 * round;
            final int t0 = T0[s0 >>> 24] ^ T1[(s1 >>> 16) & 0xff] ^ T2[(s2 >>> 8) & 0xff] ^ T3[s3 & 0xff] ^ w[k];
            final int t1 = T0[s1 >>> 24] ^ T1[(s2 >>> 16) & 0xff] ^ T2[(s3 >>> 8) & 0xff] ^ T3[s0 & 0xff] ^ w[k + 1];
            final int t2 = T0[s2 >>> 24] ^ T1[(s3 >>> 16) & 0xff] ^ T2[(s0 >>> 8) & 0xff] ^ T3[s1 & 0xff] ^ w[k + 2];
            final int t3 = T0[s3 >>> 24] ^ T1[(s0 >>> 16) & 0xff] ^ T2[(s1 >>> 8) & 0xff] ^ T3[s2 & 0xff] ^ w[k + 3];
            s0 = t0;
            s1 = t1;
            s2 = t2;
            s3 = t3;
        }
        final int k = 4 * ROUNDS; // the last round has no MixColumns
        putWord(out, outOffset, lastRound(s0, s1, s2, s3) ^ w[k]);
        putWord(out, outOffset + 4, lastRound(s1, s2, s3, s0) ^ w[k + 1]);
        putWord(out, outOffset + 8, lastRound(s2, s3, s0, s1) ^ w[k + 2]);
        putWord(out, outOffset + 12, lastRound(s3, s0, s1, s2) ^ w[k + 3]);
    }

    private static int[] expand(final byte[] key)
    {
        final int[] w = new int[SCHEDULE_WORDS];
        for (int i = 0; i < KEY_WORDS; i++)
        {
            w[i] = word(key, 4 * i);
        }
        int rcon = 1;
        for (int i = KEY_WORDS; i < SCHEDULE_WORDS; i++)
        {
            int temp = w[i - 1];
            if (0 == i % KEY_WORDS)
            {
                temp = subWord(Integer.rotateLeft(temp, 8)) ^ rcon << 24;
                rcon = timesTwo(rcon);
            }
            else if (4 == i % KEY_WORDS)
            {
                temp = subWord(temp);
            }
            w[i] = w[i - KEY_WORDS] ^ temp;
        }
        return w;
    }

    private static int lastRound(final int a, final int b, final int c, final int d)
    {
        return SBOX[a >>> 24] << 24 | SBOX[(b >>> 16) & 0xff] << 16 | SBOX[(c >>> 8) & 0xff] << 8 | SBOX[d & 0xff];
    }

    private static int subWord(final int w)
    {
        return SBOX[w >>> 24] << 24 | SBOX[(w >>> 16) & 0xff] << 16 | SBOX[(w >>> 8) & 0xff] << 8 | SBOX[w & 0xff];
    }

    private static int timesTwo(final int b)
    {
        return ((b << 1) ^ ((b & 0x80) != 0 ? 0x1b : 0)) & 0xff;
    }

    private static int rotate8(final int b, final int n)
    {
        return ((b << n) | (b >>> (8 - n))) & 0xff;
    }

    private static int word(final byte[] bytes, final int offset)
    {
        return (bytes[offset] & 0xff) << 24 | (bytes[offset + 1] & 0xff) << 16 | (bytes[offset + 2] & 0xff) << 8 |
            bytes[offset + 3] & 0xff;
    }

    private static void putWord(final byte[] bytes, final int offset, final int value)
    {
        bytes[offset] = (byte)(value >>> 24);
        bytes[offset + 1] = (byte)(value >>> 16);
        bytes[offset + 2] = (byte)(value >>> 8);
        bytes[offset + 3] = (byte)value;
    }
}
