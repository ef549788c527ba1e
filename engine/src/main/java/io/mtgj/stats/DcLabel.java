package io.mtgj.stats;

/**
 * The {@code dc} label: Telegram's production DCs 1 to 5, the test DC 203, and {@code other} for every other number a
 * client may announce, so the label stays bounded whatever clients send. Media DCs (negative) count as their DC.
 */
public final class DcLabel
{
    /** Number of label values. */
    public static final int COUNT = 7;

    private static final String[] LABELS = {"1", "2", "3", "4", "5", "203", "other"};
    private static final int TEST_DC = 203;
    private static final int MAX_PRODUCTION_DC = 5;

    private DcLabel()
    {
    }

    /**
     * @param dc a signed DC index as announced by a client.
     * @return its label index, 0 to {@link #COUNT} - 1.
     */
    public static int index(final int dc)
    {
        final int abs = Math.abs(dc);
        if (abs >= 1 && abs <= MAX_PRODUCTION_DC)
        {
            return abs - 1;
        }
        return TEST_DC == abs ? MAX_PRODUCTION_DC : COUNT - 1;
    }

    /**
     * @param index a label index.
     * @return the label value.
     */
    public static String label(final int index)
    {
        return LABELS[index];
    }
}
