package io.mtgj.stats;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class StatsSnapshotTest
{
    private static final String[] LABELS = {"replay", "bad_frame", "quota"};

    private static StatsSnapshot snapshot()
    {
        return new StatsSnapshot(List.of("replay"), List.of("done"), List.of("limit"));
    }

    private static List<String> users(final StatsSnapshot snapshot)
    {
        final List<String> rows = new ArrayList<>();
        snapshot.forEachUser((name, connections, ingress, egress, labels, failures) ->
        {
            final StringBuilder row = new StringBuilder(name).append(' ').append(connections).append(' ')
                .append(ingress).append(' ').append(egress);
            for (int i = 0; i < labels.length; i++)
            {
                row.append(' ').append(labels[i]).append('=').append(failures[i]);
            }
            rows.add(row.toString());
        });
        return rows;
    }

    @Test
    void shouldSumAUserFedTwiceAndVisitUsersInNameOrder()
    {
        final StatsSnapshot snapshot = snapshot();
        final long[] failures = {1, 0, 2};
        snapshot.addUser("zoe", 1, 10, 20, LABELS, failures);
        failures[0] = 5; // the caller may reuse its array for the next user
        snapshot.addUser("alice", 2, 100, 200, LABELS, failures);
        snapshot.addUser("zoe", 3, 1, 2, LABELS, new long[] {1, 1, 1});

        assertTrue(snapshot.hasUsers());
        assertEquals(List.of(
            "alice 2 100 200 replay=5 bad_frame=0 quota=2",
            "zoe 4 11 22 replay=2 bad_frame=1 quota=3"), users(snapshot));
    }

    @Test
    void shouldSumFailuresByLabelWhateverTheirOrder()
    {
        final StatsSnapshot snapshot = snapshot();
        snapshot.addUser("bob", 0, 0, 0, LABELS, new long[] {1, 2, 3});
        snapshot.addUser("bob", 0, 0, 0, new String[] {"quota", "expired"}, new long[] {10, 7});

        assertEquals(List.of("bob 0 0 0 replay=1 bad_frame=2 quota=13 expired=7"), users(snapshot));
    }

    @Test
    void shouldDropUserRowsOnClear()
    {
        final StatsSnapshot snapshot = snapshot();
        snapshot.addUser("alice", 1, 2, 3, LABELS, new long[3]);

        snapshot.clear();

        assertFalse(snapshot.hasUsers());
        assertEquals(List.of(), users(snapshot), "a removed user is gone from the next snapshot");
    }

    @Test
    void shouldRefuseLabelsAndCountsOfDifferentLengths()
    {
        final StatsSnapshot snapshot = snapshot();

        assertThrows(IllegalArgumentException.class, () -> snapshot.addUser("alice", 0, 0, 0, LABELS, new long[2]));
        assertFalse(snapshot.hasUsers());
    }

    @Test
    void shouldKeepItsOwnCopyOfTheArrays()
    {
        final StatsSnapshot snapshot = snapshot();
        final String[] labels = LABELS.clone();
        final long[] failures = {1, 2, 3};
        snapshot.addUser("alice", 0, 0, 0, labels, failures);
        labels[0] = "changed";
        failures[0] = 99;

        snapshot.forEachUser((name, connections, ingress, egress, seenLabels, seenFailures) ->
        {
            assertArrayEquals(LABELS, seenLabels);
            assertArrayEquals(new long[] {1, 2, 3}, seenFailures);
        });
    }
}
