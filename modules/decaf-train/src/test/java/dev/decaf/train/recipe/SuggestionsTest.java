package dev.decaf.train.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

    @Test
    void distanceCountsTranspositionsAsOneEdit() {
        assertEquals(0, Suggestions.distance("steps", "steps"));
        assertEquals(1, Suggestions.distance("stpes", "steps"));
        assertEquals(1, Suggestions.distance("step", "steps"));
        assertEquals(2, Suggestions.distance("sepst", "steps"));
        assertEquals(5, Suggestions.distance("", "steps"));
    }

    @Test
    void nearestWithinALengthDependentLimit() {
        List<String> keys = Schema.ROOT.field("train").section().keys();
        assertEquals("steps", Suggestions.nearest("stpes", keys));
        assertEquals("seq_len", Suggestions.nearest("seqlen", keys));
        assertEquals("batch_size", Suggestions.nearest("Batch_Sze", keys));
        assertEquals("epochs", Suggestions.nearest("epoch", keys));
        assertNull(Suggestions.nearest("x", keys));
        assertNull(Suggestions.nearest("learning_rate", keys));
        assertEquals("lr", Suggestions.nearest("lrr", Schema.ROOT.field("optimizer").section().keys()));
        assertNull(Suggestions.nearest("xy", Schema.ROOT.field("optimizer").section().keys()), "2 edits from 'lr' is too far for short words");
    }
}
