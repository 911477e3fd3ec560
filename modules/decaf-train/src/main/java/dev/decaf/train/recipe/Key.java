package dev.decaf.train.recipe;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares one recipe key on a component of a recipe record: its documentation, default and
 * allowed values. The components of such a record are, in order, the keys of one section; a key
 * is its component's name in snake_case ({@code batchSize} is {@code batch_size}) unless {@link
 * #name} says otherwise, and its type follows from the component's Java type ({@link
 * ValueType#of}). A component whose type is itself such a record is a sub-section.
 *
 * <p>This is the only place a key is declared: {@link Schema} reads the annotations once, and
 * parsing, the resolved YAML, key suggestions and {@code decaf recipes keys} all come from it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
@interface Key {

    /** Returns the one-line description; for a required key also the hint when it is missing. */
    String doc();

    /** Returns the default as YAML text ({@code "null"}: none). */
    String def() default "null";

    /** Returns whether the key must be given. */
    boolean required() default false;

    /**
     * Returns the allowed numbers: {@code "> 0"}, {@code ">= 1"}, {@code "[0, 0.5]"}, {@code "[0,
     * 1)"}; empty for the whole range of the Java type.
     */
    String range() default "";

    /** Returns the key's name when it is not the component's name in snake_case. */
    String name() default "";

    /** Returns, for a list, whether a single value counts as a list of one (then it must not be empty). */
    boolean oneOrMore() default false;

    /** Returns, for a list of fixed length, the names of its items ({@code beta1, beta2}). */
    String[] items() default {};

    /**
     * Returns, for a key whose default is taken from elsewhere in the recipe, where from (as
     * shown in the key listing); the reader of the section supplies the value.
     */
    String inherit() default "";

    /**
     * Returns whether the key is part of the recipe hash; false for a key that changes only how
     * fast a run goes, not what it computes (a run may be resumed with another value).
     */
    boolean hashed() default true;

    /**
     * Returns whether the key is part of the recipe hash when it has its default value; false for
     * a key added after runs were made whose default is what those runs did, so they keep their
     * hash (and resume) while any other value is hashed as usual.
     */
    boolean hashedAtDefault() default true;

    /** Returns the names other tools use for this key, suggested when a recipe uses them. */
    String[] otherNames() default {};
}
