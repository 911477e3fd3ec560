/*
 * Makes the Intel MKL inside libtorch run its Intel code path on non-Intel x86 CPUs.
 *
 * MKL picks matrix-product kernels in two steps: is this an Intel CPU, then which instruction sets
 * does it have. Any other vendor gets a generic path that leaves AVX-512 unused: on the 2-core AMD
 * EPYC (Zen 4) these numbers come from, decaf's GPT-2 matrix products ran at 140-160 GFLOP/s
 * there, against 280-360 GFLOP/s on the Intel path. The instruction-set checks still run, so the
 * Intel path uses only what the CPU has. libtorch_cpu.so links MKL statically but exports the
 * vendor check, so preloading this library answers it.
 *
 * The ./decaf launcher builds this with the system C compiler and preloads it on AMD CPUs;
 * DECAF_MKL_INTEL_PATH=0 turns it off. See README.md, "Matrix products on AMD CPUs".
 */
int mkl_serv_intel_cpu_true(void) {
    return 1;
}
