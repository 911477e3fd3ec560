package dev.decaf.train.recipe;

import dev.decaf.train.recipe.YamlTree.YNode;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The recipe schema: every section and key, read once from the recipe records and their {@link
 * Key} annotations. The reader, the writer, the key suggestions and the key listing all walk it.
 */
final class Schema {

    private Schema() {}

    /** The whole recipe: the top-level keys and, through them, every section. */
    static final Section ROOT = section(Recipe.class, "");

    /**
     * One key.
     *
     * @param key the key as written in a recipe
     * @param path the dotted path from the top ({@code optimizer.groups[].match.kind} in a list)
     * @param component the record component the key is stored in
     * @param section the key's sub-section, or null for a value
     * @param type how a value is read and written (null for a sub-section)
     * @param def the default (null: none)
     * @param spec the declaration
     */
    record Field(String key, String path, RecordComponent component, Section section, ValueType type, Object def,
            Key spec) {

        /** Returns the field's value in a record of its section. */
        Object get(Record r) {
            try {
                return component.getAccessor().invoke(r);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Returns whether the key must be given. */
        boolean required() {
            return spec.required();
        }

        /** Returns the one-line description. */
        String doc() {
            return spec.doc();
        }
    }

    /**
     * A mapping of keys, stored as one record.
     *
     * @param path the dotted path of the section ({@code ""} for the top)
     * @param type the record
     * @param fields its keys, in order
     */
    record Section(String path, Class<? extends Record> type, List<Field> fields) {

        /** Returns a key, or null when the section has none of that name. */
        Field field(String key) {
            return fields.stream().filter(f -> f.key.equals(key)).findFirst().orElse(null);
        }

        /** Returns the keys, in order. */
        List<String> keys() {
            return fields.stream().map(Field::key).toList();
        }

        /** Returns the sections directly below this one. */
        Stream<Section> children() {
            return fields.stream().filter(f -> f.section != null).map(Field::section);
        }

        /** Builds the record from its values, in key order. */
        Record build(List<Object> values) {
            Class<?>[] types = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType)
                    .toArray(Class<?>[]::new);
            try {
                Constructor<? extends Record> c = type.getDeclaredConstructor(types);
                return c.newInstance(values.toArray());
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Returns the top-level section and the sections directly below it (where keys are suggested across). */
    static List<Section> top() {
        return Stream.concat(Stream.of(ROOT), ROOT.children()).toList();
    }

    /**
     * Reads a record's components into a section.
     *
     * @param type the record
     * @param path the section's dotted path
     * @return the section
     */
    static Section section(Class<? extends Record> type, String path) {
        List<Field> fields = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            Key k = c.getAnnotation(Key.class);
            if (k == null) {
                throw new IllegalStateException(type.getSimpleName() + "." + c.getName() + " has no @Key");
            }
            String key = k.name().isEmpty() ? snakeCase(c.getName()) : k.name();
            String p = path.isEmpty() ? key : path + "." + key;
            if (isSection(c.getType())) {
                fields.add(new Field(key, p, c, section(c.getType().asSubclass(Record.class), p), null, null, k));
            } else {
                ValueType t = ValueType.of(c, k, p);
                fields.add(new Field(key, p, c, null, t, defaultValue(t, k, c, p), k));
            }
        }
        return new Section(path, type, List.copyOf(fields));
    }

    /** Returns whether a type is a section: a record whose components are keys. */
    static boolean isSection(Class<?> type) {
        return type.isRecord() && type.getRecordComponents().length > 0
                && type.getRecordComponents()[0].isAnnotationPresent(Key.class);
    }

    private static Object defaultValue(ValueType t, Key k, RecordComponent c, String path) {
        List<Problem> problems = new ArrayList<>();
        YNode node = YamlTree.parse(k.def(), "@Key(def) of " + path, path, true, problems);
        Object v = node == null || (node instanceof YamlTree.YScalar s && s.isNull())
                ? null : t.read(node, path, new RecipeParser("@Key(def) of " + path, null, false, problems));
        boolean needed = c.getType().isPrimitive() && !k.required() && k.inherit().isEmpty();
        if (!problems.isEmpty() || (v == null && needed)) {
            throw new IllegalStateException("bad default for " + path + ": " + (problems.isEmpty() ? "none" : problems));
        }
        return v;
    }

    private static String snakeCase(String camel) {
        return camel.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
    }
}
