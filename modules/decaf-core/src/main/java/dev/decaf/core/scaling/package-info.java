/** Rules that choose λ from the size of a run (EMA timescale, power lines, normalized, μP, fixed), each with its formula and source. */
package dev.decaf.core.scaling;
