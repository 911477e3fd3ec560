package dev.decaf.core.schedule;

/** γ_t = γ for every step; the peak is γ. */
record ConstantSchedule(double lr) implements Schedule {

    ConstantSchedule {
        Schedule.checkLearningRate("learning rate", lr);
    }

    @Override
    public double lr(long step) {
        Schedule.checkStep(step);
        return lr;
    }

    @Override
    public double peak() {
        return lr;
    }

    @Override
    public String toString() {
        return "constant(lr=" + lr + ")";
    }
}
