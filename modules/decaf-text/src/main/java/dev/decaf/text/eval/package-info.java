/** Engine-free evaluation: the loss over a data file, given an engine's per-position scores. */
package dev.decaf.text.eval;
