/** Parameter groups without a tensor engine: rules that match parameters by kind, name and rank, the presets {@code standard} and {@code llm}, and the plan that assigns each parameter its λ, decay rule and learning-rate multiplier. */
package dev.decaf.core.groups;
