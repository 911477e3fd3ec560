/** How many threads a run computes on: libtorch's intra-op threads and the optimizer kernel threads, chosen together. */
package dev.decaf.djl.runtime;
