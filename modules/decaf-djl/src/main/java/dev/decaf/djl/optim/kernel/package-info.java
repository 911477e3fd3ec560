/** Internal: not API, may change. The fused Adam update kernels (scalar and Vector API) and the thread pool they run on; {@code ParallelRange} is reached through the optimizers' {@code optKernelThreads} and {@code GradientClipping}. */
package dev.decaf.djl.optim.kernel;
