package io.mtgj.secret;

/**
 * Hex codec for secrets, ad tags and test vectors.
 */
public final class Hex
{
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex()
    {
    }

    /**
     * @param text even-length hex, either case.
     * @return the bytes.
     * @throws IllegalArgumentException naming the text when it is not hex.
     */
    public static byte[] decode(final String text)
    {
        if (0 != (text.length() & 1))
        {
            throw new IllegalArgumentException("'" + text + "' is not hex: odd length");
        }
        final byte[] out = new byte[text.length() / 2];
        for (int i = 0; i < out.length; i++)
        {
            final int hi = Character.digit(text.charAt(2 * i), 16);
            final int lo = Character.digit(text.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0)
            {
                throw new IllegalArgumentException("'" + text + "' is not hex");
            }
            out[i] = (byte)((hi << 4) | lo);
        }
        return out;
    }

    /**
     * @param text any text.
     * @return whether {@link #decode(String)} takes it: an even number of hex digits, either case.
     */
    static boolean isHex(final String text)
    {
        if (0 != (text.length() & 1))
        {
            return false;
        }
        for (int i = 0; i < text.length(); i++)
        {
            if (Character.digit(text.charAt(i), 16) < 0)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @param bytes any bytes.
     * @return lower-case hex.
     */
    public static String encode(final byte[] bytes)
    {
        final char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++)
        {
            out[2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = DIGITS[bytes[i] & 0xf];
        }
        return new String(out);
    }
}
