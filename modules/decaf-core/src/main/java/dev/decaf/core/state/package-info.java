/** The optimizer-state directory format (manifest and moments by parameter name), written and read without a tensor engine. */
package dev.decaf.core.state;
