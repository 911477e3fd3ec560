/** DJL optimizers (AdamW, AdamC, Adam with L2, AdamS, cautious AdamW) with per-group weight decay, their parameter groups, schedule tracker, gradient clipping and saved state. */
package dev.decaf.djl.optim;
