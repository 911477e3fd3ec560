package dev.decaf.djl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.decaf.core.decay.DecayRule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every registered name builds its optimizer through {@code build()}, with the options given. */
class OptimizerRegistryTest {

    @Test
    void eachNameBuildsItsOptimizer() {
        Map<String, Class<?>> types = Map.of("adamw", AdamW.class, "adamc", AdamC.class, "adam-l2", AdamL2.class,
                "adams", AdamS.class, "adamw-cautious", CautiousAdamW.class);
        Map<String, DecayRule> rules = Map.of("adamw", DecayRule.DECOUPLED, "adamc", DecayRule.CORRECTED,
                "adam-l2", DecayRule.COUPLED_L2, "adams", DecayRule.STABLE,
                "adamw-cautious", DecayRule.CAUTIOUS);
        assertEquals(List.of("adamw", "adamc", "adam-l2", "adams", "adamw-cautious"), OptimizerRegistry.names());
        NamedParameterBlock block = new NamedParameterBlock(Map.of("w", new long[] {2, 2}));
        for (String name : OptimizerRegistry.names()) {
            assertEquals(rules.get(name), OptimizerRegistry.decayRule(name), name);
            try (AdamFamily opt = OptimizerRegistry.build(name.toUpperCase(java.util.Locale.ROOT), b -> b
                    .optBeta2(0.95f).optWeightDecays(0.2f).optMaxLearningRate(1e-3).optParamGroups(ParamGroups.all(block)))) {
                assertEquals(types.get(name), opt.getClass(), name);
                assertEquals(rules.get(name), opt.decayRule(), name);
                assertEquals(0.95, opt.beta2(), 0, name);
                assertEquals(0.2, opt.weightDecay(), 0, name);
            }
        }
        ValidationTest.assertRejects("optimizer.name must be one of [adamw, adamc, adam-l2, adams, adamw-cautious], got 'sgd'",
                () -> OptimizerRegistry.builder("sgd"));
    }
}
