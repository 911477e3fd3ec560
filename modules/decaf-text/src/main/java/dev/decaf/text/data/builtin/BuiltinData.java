package dev.decaf.text.data.builtin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.decaf.core.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Datasets decaf generates itself, from a seed, for the quickstart ({@code ./decaf finetune} with
 * no arguments): a pretraining corpus for a tiny base model and fine-tuning tasks that build on
 * it. Nothing is downloaded; the same name, seed and {@link #VERSION} give byte-identical files on
 * every machine (ASCII, {@code '\n'} line ends, randomness from {@link SplitMix64} only).
 *
 * <table>
 *   <caption>Datasets</caption>
 *   <tr><th>name</th><th>files</th><th>content</th></tr>
 *   <tr><td>{@value #PRETRAIN}</td><td>{@code train.txt} (≈ 3.0 MB), {@code validation.txt}
 *       (≈ 150 kB)</td><td>plain text, one paragraph a line ({@link PretrainCorpus}): scenes from a
 *       small grammar, who-has-what stories that refer back, arithmetic facts, lists, spelling;
 *       read as {@link dev.decaf.text.data.DataFormat#TEXT}</td></tr>
 *   <tr><td>{@value RecallTask#NAME} (alias {@value #TASK})</td><td>{@code train.jsonl}
 *       (8000 lines), {@code validation.jsonl} (400 lines, prompts disjoint from
 *       train)</td><td>{@code {"prompt": …, "completion": …}} ({@link RecallTask}), read as
 *       {@link dev.decaf.text.data.DataFormat#PROMPT_COMPLETION} and scored with {@link
 *       TaskMetric}</td></tr>
 *   <tr><td>{@value CategoryTask#NAME}</td><td>the same two files</td><td>four words, "which
 *       one is an animal / a color / …?" ({@link CategoryTask}), the quickstart's task; tiny models
 *       learn it far better than recall</td></tr>
 * </table>
 *
 * <pre>{@code
 * List<Path> corpus = BuiltinData.write("pretrain", dir.resolve("pretrain"), BuiltinData.DEFAULT_SEED);
 * List<Path> task = BuiltinData.write("task", dir.resolve("recall"), BuiltinData.DEFAULT_SEED);
 * TaskMetric metric = TaskMetric.load(task.get(1));      // validation.jsonl
 * }</pre>
 */
public final class BuiltinData {

    /** The pretraining corpus. */
    public static final String PRETRAIN = "pretrain";

    /** Alias of {@link #DEFAULT_TASK}, kept so that recipes naming {@code builtin:task} keep their data. */
    public static final String TASK = "task";

    /**
     * The task {@value #TASK} names: {@link RecallTask}, the first built-in task. (The quickstart
     * recipe uses {@link CategoryTask}, by name.)
     */
    public static final String DEFAULT_TASK = RecallTask.NAME;

    /** The seed the shipped base model's corpus and the quickstart use. */
    public static final long DEFAULT_SEED = 20250101L;

    /**
     * Generator version: raised whenever the same seed would give different bytes, so that a
     * model can say which corpus it was trained on.
     */
    public static final int VERSION = 1;

    /** Size of the pretraining {@code train.txt}: whole lines, stopping at this many bytes or just past. */
    public static final long PRETRAIN_TRAIN_BYTES = 3_000_000L;

    /** Size of the pretraining {@code validation.txt}. */
    public static final long PRETRAIN_VALIDATION_BYTES = 150_000L;

    /** File names. */
    public static final String TRAIN_TXT = "train.txt";

    public static final String VALIDATION_TXT = "validation.txt";

    public static final String TRAIN_JSONL = "train.jsonl";

    public static final String VALIDATION_JSONL = "validation.jsonl";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private BuiltinData() {}

    /** Returns the dataset names {@link #write} accepts (besides the alias {@value #TASK}). */
    public static List<String> names() {
        return List.of(PRETRAIN, RecallTask.NAME, CategoryTask.NAME);
    }

    /**
     * Returns whether a name is a fine-tuning task (prompt–completion) rather than a corpus.
     *
     * @param name a dataset name or alias
     * @return true for tasks
     * @throws IllegalArgumentException for an unknown name
     */
    public static boolean isTask(String name) {
        return !canonical(name).equals(PRETRAIN);
    }

    /**
     * Returns a one-line description of a dataset.
     *
     * @param name a dataset name or alias
     * @return the description
     * @throws IllegalArgumentException for an unknown name
     */
    public static String describe(String name) {
        return switch (canonical(name)) {
            case PRETRAIN -> "pretraining corpus: ~3 MB of generated lower-case English (scenes, who-has-what"
                    + " stories, arithmetic, lists, spelling); train.txt, validation.txt";
            case CategoryTask.NAME -> "fine-tuning task 'category': four words, 'which one is an animal?' (or a"
                    + " color, place, name, number, day, month), answer with the word; " + CategoryTask.TRAIN_EXAMPLES
                    + " + " + CategoryTask.VALIDATION_EXAMPLES + " prompt/completion lines";
            default -> "fine-tuning task 'recall': read 2-4 facts of who has what, answer 'Q: what does X"
                    + " have?' exactly; " + RecallTask.TRAIN_EXAMPLES + " + " + RecallTask.VALIDATION_EXAMPLES
                    + " prompt/completion lines";
        };
    }

    /**
     * Writes a dataset's files into a directory (created when missing; files of the same name are
     * replaced, each atomically where the file system allows).
     *
     * @param name {@value #PRETRAIN}, {@value RecallTask#NAME}, {@value CategoryTask#NAME} or {@value #TASK}
     * @param dir the directory
     * @param seed the seed; the same name and seed give byte-identical files
     * @return the files, training first: {@code [train.txt, validation.txt]} or {@code
     *     [train.jsonl, validation.jsonl]}
     * @throws IOException when a file cannot be written
     * @throws IllegalArgumentException for an unknown name
     */
    public static List<Path> write(String name, Path dir, long seed) throws IOException {
        Objects.requireNonNull(dir, "dir");
        String canonical = canonical(name);
        Files.createDirectories(dir);
        if (canonical.equals(PRETRAIN)) {
            Path train = dir.resolve(TRAIN_TXT);
            Path validation = dir.resolve(VALIDATION_TXT);
            writeAtomically(train, w -> new PretrainCorpus(SplitMix64.stream(seed, PRETRAIN + "/train"))
                    .write(w, PRETRAIN_TRAIN_BYTES));
            writeAtomically(validation, w -> new PretrainCorpus(SplitMix64.stream(seed, PRETRAIN + "/validation"))
                    .write(w, PRETRAIN_VALIDATION_BYTES));
            return List.of(train, validation);
        }
        List<List<TaskExample>> splits = canonical.equals(CategoryTask.NAME)
                ? CategoryTask.splits(seed, CategoryTask.TRAIN_EXAMPLES, CategoryTask.VALIDATION_EXAMPLES)
                : RecallTask.splits(seed, RecallTask.TRAIN_EXAMPLES, RecallTask.VALIDATION_EXAMPLES);
        Path train = dir.resolve(TRAIN_JSONL);
        Path validation = dir.resolve(VALIDATION_JSONL);
        writeAtomically(train, w -> writeJsonLines(w, splits.get(0)));
        writeAtomically(validation, w -> writeJsonLines(w, splits.get(1)));
        return List.of(train, validation);
    }

    /**
     * Returns one JSON line (without line break) for an example: {@code
     * {"prompt":"…","completion":"…"}}.
     *
     * @param example the example
     * @return the line
     */
    public static String jsonLine(TaskExample example) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("prompt", example.prompt());
        node.put("completion", example.completion());
        try {
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeJsonLines(Writer w, List<TaskExample> examples) throws IOException {
        for (TaskExample e : examples) {
            w.write(jsonLine(e));
            w.write('\n');
        }
    }

    private static String canonical(String name) {
        Objects.requireNonNull(name, "name");
        String n = name.strip().toLowerCase(Locale.ROOT);
        if (n.equals(TASK)) {
            return DEFAULT_TASK;
        }
        if (names().contains(n)) {
            return n;
        }
        throw new IllegalArgumentException("unknown built-in dataset '" + name + "'; known: "
                + String.join(", ", names()) + " (and '" + TASK + "' for " + DEFAULT_TASK + ")");
    }

    private interface Body {
        void write(Writer w) throws IOException;
    }

    private static void writeAtomically(Path target, Body body) throws IOException {
        AtomicFiles.write(target, out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            body.write(w);
            w.flush();
        });
    }
}
