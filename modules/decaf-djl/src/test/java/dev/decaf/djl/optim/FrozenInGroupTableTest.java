package dev.decaf.djl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The group table counts frozen parameters in a row of their own, not in the group that would
 * decay them: on {@link ParamGroupsTest#block()} (encoder.weight 3×2, encoder.bias 2, norm.weight 2,
 * head.weight 2×4) with head.weight frozen, {@code decay} holds encoder.weight alone (6), {@code
 * no_decay} the bias and the norm (4), {@code frozen} head.weight (8); 18 in all.
 */
class FrozenInGroupTableTest {

    @Test
    void frozenParametersAreCountedApart() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NamedParameterBlock block = ParamGroupsTest.block();
            block.initialize(manager, Map.of("encoder.weight", new float[6], "encoder.bias", new float[2],
                    "norm.weight", new float[2], "head.weight", new float[8]));
            AdamW opt = AdamW.builder().optWeightDecays(0.1f).optParamGroups(ParamGroups.standard(block)).build();
            String before = opt.groupTable();
            block.param("head.weight").freeze(true);
            String n = System.lineSeparator();
            assertEquals("group     tensors  parameters  weight_decay  rule       lr_scale  selects" + n
                    + "decay           1           6  0.1           decoupled  1         not (kind=bias|norm or ndim<2)" + n
                    + "no_decay        2           4  0 (none)      -          1         kind=bias|norm or ndim<2" + n
                    + "frozen          1           8  -             -          -         requires no gradient: not updated" + n
                    + "total           4          18" + n, opt.groupTable());
            assertEquals("group     tensors  parameters  weight_decay  rule       lr_scale  selects" + n
                    + "decay           2          14  0.1           decoupled  1         not (kind=bias|norm or ndim<2)" + n
                    + "no_decay        2           4  0 (none)      -          1         kind=bias|norm or ndim<2" + n
                    + "total           4          18" + n, before);
        }
    }
}
