/** Internal: not API, may change. Atomic file and directory writes for everything decaf saves. */
package dev.decaf.core.io;
