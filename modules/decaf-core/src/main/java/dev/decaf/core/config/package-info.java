/** Decoder architectures (GPT-2, Llama) read from Hugging Face {@code config.json} files. */
package dev.decaf.core.config;
