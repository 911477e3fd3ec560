/** Internal: not API, may change. Zero-copy tensor views and the one-time allocator hint the optimizers use. */
package dev.decaf.djl.internal;
