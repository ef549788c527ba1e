package io.mtgj.perf;

import io.mtgj.config.ByteSize;

/**
 * {@code --payload SIZE} or {@code MIN-MAX}, sizes with units.
 */
public final class PayloadSizes
{
    /** Largest packet the fake DC and the transports take. */
    public static final int MAX_PAYLOAD = 1 << 20;

    private PayloadSizes()
    {
    }

    /**
     * @param text {@code 4KB} or {@code 64-16KB}.
     * @return {min, max}.
     * @throws IllegalArgumentException naming the text.
     */
    public static int[] parse(final String text)
    {
        final int dash = text.indexOf('-');
        final long min = ByteSize.parse(dash < 0 ? text : text.substring(0, dash));
        final long max = dash < 0 ? min : ByteSize.parse(text.substring(dash + 1));
        if (min < 1 || max < min || max > MAX_PAYLOAD)
        {
            throw new IllegalArgumentException("bad --payload '" + text + "': expected SIZE or MIN-MAX within 1B-1MB");
        }
        return new int[] {(int)min, (int)max};
    }
}
