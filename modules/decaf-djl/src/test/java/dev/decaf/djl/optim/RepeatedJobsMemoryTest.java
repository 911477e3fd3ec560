package dev.decaf.djl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Model;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long-lived model retrained by several jobs, each with a fresh optimizer closed after it: the
 * model's manager holds, after every job, exactly the arrays and sub-managers it held before the
 * first (the moments lived in the optimizer's own managers, freed by {@code close()}; before, they
 * were attached to the weights' manager, two arrays per parameter per job; {@code
 * KernelThreadsTest} checks that the kernel threads go too). Through DJL's {@code Trainer} decaf's optimizer leaves what DJL's own Adam
 * leaves, nothing more: one gradient handle per parameter per job, from the trainer's first
 * {@code step()} ({@code checkGradients} takes each parameter's gradient and hands it back to the
 * model's manager unclosed).
 */
class RepeatedJobsMemoryTest {

    static final int JOBS = 4;
    static final int STEPS = 3;

    /** What the model's manager holds: live arrays (its own and its sub-managers') and direct children. */
    record Held(int arrays, int resources) {}

    static Held held(NDManager m) throws ReflectiveOperationException {
        Field f = BaseNDManager.class.getDeclaredField("resources");
        f.setAccessible(true);
        return new Held(m.getManagedArrays().size(), ((java.util.Map<?, ?>) f.get(m)).size());
    }

    static SequentialBlock mlp() {
        return new SequentialBlock().add(Linear.builder().setUnits(16).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(1).build());
    }

    /** One job without DJL's Trainer, as decaf's own loop runs: collector, backward, {@code update} per parameter. */
    static void ownLoopJob(Model model, AdamW o, boolean close) {
        try (NDManager m = model.getNDManager().newSubManager()) {
            NDArray x = m.arange(32f).reshape(8, 4).div(32f);
            NDArray y = x.sum(new int[] {1}, true);
            for (int t = 0; t < STEPS; t++) {
                try (GradientCollector gc = model.getNDManager().getEngine().newGradientCollector()) {
                    NDArray pred = model.getBlock().forward(new ai.djl.training.ParameterStore(m, false), new NDList(x), true)
                            .singletonOrThrow();
                    gc.backward(Loss.l2Loss().evaluate(new NDList(y), new NDList(pred)));
                }
                for (var p : model.getBlock().getParameters().values()) {
                    try (NDArray g = p.getArray().getGradient()) {
                        o.update(p.getId(), p.getArray(), g);
                    }
                }
            }
        }
        if (close) {
            o.close();
        }
    }

    /** Runs one job on the model: fresh trainer and optimizer, a few steps, both closed. */
    static void job(Model model, Optimizer opt, boolean closeOptimizer) {
        try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(opt))) {
            trainer.initialize(new Shape(8, 4));
            NDManager m = trainer.getManager();
            NDArray x = m.arange(32f).reshape(8, 4).div(32f);
            NDArray y = x.sum(new int[] {1}, true);
            for (int t = 0; t < STEPS; t++) {
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDArray l = trainer.getLoss().evaluate(new NDList(y), trainer.forward(new NDList(x)));
                    gc.backward(l);
                }
                trainer.step();
            }
        }
        if (closeOptimizer) {
            try {
                ((AutoCloseable) opt).close();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    /** A job on a long-lived model. */
    @FunctionalInterface
    interface Job {
        void run(Model model, SequentialBlock block);
    }

    /** The model manager's holdings before the first job and after each job. */
    static List<Held> repeatedJobs(Job job) throws ReflectiveOperationException {
        List<Held> after = new ArrayList<>();
        try (Model model = Model.newInstance("repeated-jobs")) {
            SequentialBlock block = mlp();
            model.setBlock(block);
            block.initialize(model.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32, new Shape(8, 4));
            after.add(held(model.getNDManager()));
            for (int j = 0; j < JOBS; j++) {
                job.run(model, block);
                after.add(held(model.getNDManager()));
            }
        }
        return after;
    }

    static AdamW decaf(SequentialBlock b) {
        return AdamW.builder().optKernelThreads(2).optParamGroups(ParamGroups.standard(b)).build();
    }

    @Test
    void decafsOwnLoopLeavesTheModelsManagerAsItWas() throws Exception {
        List<Held> after = repeatedJobs((model, block) -> ownLoopJob(model, decaf(block), true));
        for (int j = 1; j <= JOBS; j++) {
            assertEquals(after.get(0), after.get(j), "after job " + j + " of " + after);
        }
    }

    @Test
    void throughDjlsTrainerDecafLeavesWhatDjlsAdamLeaves() throws Exception {
        List<Held> decaf = repeatedJobs((model, block) -> job(model, decaf(block), true));
        List<Held> djl = repeatedJobs((model, block) ->
                job(model, Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build(), false));
        assertEquals(djl, decaf);
        int params = 4; // two Linear layers, weight and bias each: one gradient handle each per trainer
        for (int j = 0; j <= JOBS; j++) {
            assertEquals(new Held(decaf.get(0).arrays() + j * params, decaf.get(0).resources() + j * params), decaf.get(j),
                    "after job " + j + " of " + decaf);
        }
    }

    @Test
    void closeFreesTheState(@TempDir Path dir) throws Exception {
        try (Model model = Model.newInstance("close-frees")) {
            SequentialBlock block = mlp();
            model.setBlock(block);
            block.initialize(model.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32, new Shape(8, 4));
            Held before = held(model.getNDManager());
            AdamW opt = AdamW.builder().optKernelThreads(2).optParamGroups(ParamGroups.standard(block)).build();
            try (NDManager m = model.getNDManager().newSubManager()) {
                NDArray x = m.ones(new Shape(8, 4));
                try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                    NDArray pred = block.forward(new ai.djl.training.ParameterStore(m, false), new NDList(x), true)
                            .singletonOrThrow();
                    gc.backward(Loss.l2Loss().evaluate(new NDList(x.sum(new int[] {1}, true)), new NDList(pred)));
                }
                for (var p : block.getParameters().values()) {
                    try (NDArray g = p.getArray().getGradient()) {
                        opt.update(p.getId(), p.getArray(), g);
                    }
                }
            }
            // 4 parameters × (m, v) in one sub-manager of the optimizer's under the model's manager
            assertEquals(new Held(before.arrays() + 8, before.resources() + 1), held(model.getNDManager()));
            opt.saveState(dir);
            opt.close();
            assertEquals(before, held(model.getNDManager()), "after close()");
            assertEquals(0, opt.step("01Linear_weight"), "no step counts kept");
            assertEquals("AdamW is closed", assertThrows(IllegalStateException.class, () -> opt.saveState(dir)).getMessage());
        }
    }

    @Test
    void loadedStateIsFreedByCloseToo(@TempDir Path dir) throws Exception {
        try (Model model = Model.newInstance("load-frees")) {
            SequentialBlock block = mlp();
            model.setBlock(block);
            block.initialize(model.getNDManager(), ai.djl.ndarray.types.DataType.FLOAT32, new Shape(8, 4));
            AdamW first = AdamW.builder().optKernelThreads(1).optParamGroups(ParamGroups.standard(block)).build();
            ownLoopJob(model, first, false);
            first.saveState(dir);
            first.close();
            int systemBefore = NDManager.newBaseManager().getParentManager().getManagedArrays().size();
            AdamW second = AdamW.builder().optKernelThreads(1).optParamGroups(ParamGroups.standard(block)).build();
            try (NDManager loadWith = NDManager.newBaseManager()) {
                second.loadState(dir, loadWith);
            }
            assertEquals(systemBefore + 8, NDManager.newBaseManager().getParentManager().getManagedArrays().size(),
                    "loaded, not yet bound: the optimizer's own manager holds m and v of 4 parameters");
            second.close();
            assertEquals(systemBefore, NDManager.newBaseManager().getParentManager().getManagedArrays().size(),
                    "close() frees loaded state never bound");
        }
    }
}
