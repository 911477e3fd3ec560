/** The JVM options and environment a decaf process should run with, from the one {@code jvm.properties}. */
package dev.decaf.core.runtime;
