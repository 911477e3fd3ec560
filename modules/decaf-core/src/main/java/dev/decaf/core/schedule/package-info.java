/** Learning-rate schedules as pure functions of the step that know their peak: constant, linear warm-up then cosine or linear decay, warm-up–stable–decay. */
package dev.decaf.core.schedule;
