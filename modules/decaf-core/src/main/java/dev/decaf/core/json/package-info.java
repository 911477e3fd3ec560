/** Internal: not API, may change. The strict JSON reader and writer decaf's own file formats use. */
package dev.decaf.core.json;
