/**
 * decaf's Adam family for TensorFlow Java graphs: {@link dev.decaf.tensorflow.AdamW}, {@link
 * dev.decaf.tensorflow.AdamC}, {@link dev.decaf.tensorflow.AdamL2} and {@link
 * dev.decaf.tensorflow.AdamS}, with decaf-core's parameter groups, any decaf-core schedule fed each
 * step, and optimizer state in decaf's safetensors layout.
 */
package dev.decaf.tensorflow;
