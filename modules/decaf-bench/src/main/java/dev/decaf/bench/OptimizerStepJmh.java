package dev.decaf.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: one optimizer step per invocation, decaf AdamW vs DJL AdamW vs the float[] floor, on one
 * 10M tensor and on GPT-2 small's 148 tensors. The forked JVM inherits this process's
 * environment and, with no {@code jvmArgs} set here, this process's JVM flags; start it with the
 * flags of {@code jvm.properties}, once with and once without its malloc variables (see README):
 *
 * <pre>
 * java $(sed -n 's/^decaf.jvm.flags=//p' jvm.properties) -cp "modules/decaf-cli/target/lib/*" org.openjdk.jmh.Main OptimizerStepJmh
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx8g")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class OptimizerStepJmh {

    @Param({"10m", "gpt2"})
    public String set;

    @Param({"decaf", "djl", "floor"})
    public String impl;

    private OptimizerStep step;

    @Setup(Level.Trial)
    public void setUp() {
        step = OptimizerStep.create(OptimizerStep.Impl.parse(impl), ParameterSet.parse(set));
    }

    @Benchmark
    public void step() {
        step.step();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        step.close();
    }
}
