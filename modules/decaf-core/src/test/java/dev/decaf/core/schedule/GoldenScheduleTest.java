package dev.decaf.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Cross-checks the warm-up + cosine schedule against the 60 learning rates that
 * {@code modules/decaf-djl/src/test/resources/golden/gen_adam_golden.py} computed in Python
 * (field {@code schedule.lr} of {@code adam_trajectories.json}: peak 0.05, warmup 10, total 60,
 * min_ratio 0.1). The values are copied here as literals, {@code repr()} of Python floats, so
 * this module's tests do not depend on another module's resources.
 */
class GoldenScheduleTest {

    private static final double[] PYTHON_LR = {
            0.005, 0.01, 0.015000000000000003, 0.02,
            0.025, 0.030000000000000006, 0.035, 0.04,
            0.045, 0.05, 0.0499556013896361, 0.049822580779575756,
            0.049601463141395505, 0.049293121125394204, 0.048898771616640954, 0.04841997093248565,
            0.04785860868048544, 0.04721690030098692, 0.046497378323795344, 0.045702882373436324,
            0.04483654796245526, 0.043901794116981765, 0.042902309883395495, 0.041842039769345515,
            0.040725168176580645, 0.03955610288702742, 0.03833945766728859, 0.03708003406021414,
            0.035782802435405256, 0.034452882373436314, 0.03309552246120924, 0.031716079578178805,
            0.030319997755196847, 0.028912786689409553, 0.0275, 0.02608721331059045,
            0.024680002244803153, 0.023283920421821192, 0.02190447753879077, 0.020547117626563687,
            0.019217197564594748, 0.017919965939785863, 0.016660542332711404, 0.01544389711297257,
            0.014274831823419357, 0.013157960230654481, 0.012097690116604505, 0.011098205883018245,
            0.010163452037544745, 0.009297117626563687, 0.008502621676204667, 0.007783099699013075,
            0.007141391319514565, 0.006580029067514346, 0.006101228383359046, 0.005706878874605801,
            0.005398536858604508, 0.005177419220424251, 0.005044398610363891, 0.005000000000000001,
    };

    private final Schedule schedule = Schedule.warmup(0.05, 10, 60, DecayShape.COSINE, 0.1);

    @Test
    void sixtyStepsAgreeWithPythonToOnePartIn1e15() {
        assertEquals(60, PYTHON_LR.length);
        for (int i = 0; i < PYTHON_LR.length; i++) {
            long step = i + 1;
            double expected = PYTHON_LR[i];
            double actual = schedule.lr(step);
            assertTrue(Math.abs(actual - expected) <= 1e-15 * Math.abs(expected),
                    "step " + step + ": python " + expected + ", java " + actual);
        }
    }

    @Test
    void landmarkSteps() {
        // step 1 = peak/W, step 10 = peak, step 11 = first decay step, 35 = midpoint, 60 = γ_min
        assertEquals(PYTHON_LR[0], schedule.lr(1), 1e-15 * PYTHON_LR[0]);
        assertEquals(PYTHON_LR[9], schedule.lr(10), 0.0);
        assertEquals(PYTHON_LR[10], schedule.lr(11), 1e-15 * PYTHON_LR[10]);
        assertEquals(PYTHON_LR[34], schedule.lr(35), 1e-15 * PYTHON_LR[34]);
        assertEquals(PYTHON_LR[59], schedule.lr(60), 1e-15 * PYTHON_LR[59]);
        assertEquals(0.05, schedule.peak(), 0.0);
    }
}
