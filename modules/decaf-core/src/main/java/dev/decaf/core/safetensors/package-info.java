/** Safetensors files read and written tensor by tensor, with the half-precision conversions they need. */
package dev.decaf.core.safetensors;
