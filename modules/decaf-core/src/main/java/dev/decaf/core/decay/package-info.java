/** Weight-decay rules: how λ acts on a parameter at step t (decoupled, corrected, independent, L2, stable, cautious). */
package dev.decaf.core.decay;
