package dev.decaf.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.decaf.onnx.OnnxExporter;
import dev.decaf.onnx.OnnxImporter;
import dev.decaf.core.safetensors.SafetensorsReader;
import dev.decaf.core.safetensors.TensorEntry;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code decaf export onnx}, {@code decaf import onnx} and {@code --engine onnx} on {@code eval} and
 * {@code generate}, on a random gpt2-tiny (byte-level tokenizer) and a copy of the shipped Llama
 * quickstart base: the ONNX engine gives the DJL engine's loss and greedy text.
 */
class OnnxCommandsTest {

    @TempDir
    static Path tmp;

    static Path gpt2;
    static Path llama;

    @BeforeAll
    static void init() throws Exception {
        gpt2 = DecafCliTest.initTinyModel(tmp.resolve("gpt2"), 7);
        llama = tmp.resolve("llama");
        Files.createDirectories(llama);
        try (Stream<Path> files = Files.list(Path.of("../../models/quickstart-base"))) {
            for (Path f : files.toList()) {
                Files.copy(f, llama.resolve(f.getFileName()));
            }
        }
        for (Path dir : List.of(gpt2, llama)) {
            DecafCliTest.Run r = DecafCliTest.run("export", "onnx", "--model", dir.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("wrote ") && Files.isRegularFile(dir.resolve("model.onnx")), r.out());
        }
    }

    static double loss(String out) throws Exception {
        List<String> lines = out.lines().toList();
        return new ObjectMapper().readTree(lines.get(lines.size() - 1)).get("loss").asDouble();
    }

    @Test
    void evalWithOnnxGivesTheDjlLoss() throws Exception {
        SplittableRandom rnd = new SplittableRandom(3);
        List<String> lines = new ArrayList<>();
        for (int n : new int[] {12, 2, 40, 65, 7}) {
            lines.add("{\"input_ids\": " + Arrays.toString(rnd.ints(n, 0, 512).toArray()) + "}");
        }
        Path ids = Files.write(tmp.resolve("ids.jsonl"), lines);
        Path text = Files.writeString(tmp.resolve("text.txt"), "The quick brown fox jumps over the lazy dog. ".repeat(30));
        Path pc = Files.writeString(tmp.resolve("pc.jsonl"), """
                {"prompt": "Q: duck, apple, tuesday, eleven. which one is an animal?\\nA:", "completion": " duck"}
                {"prompt": "Q: red, cat, seven, monday. which one is an animal?\\nA:", "completion": " cat"}
                {"prompt": "Q: one, two, cow, blue. which one is an animal?\\nA:", "completion": " cow"}
                """);
        for (Object[] c : new Object[][] {{gpt2, ids}, {gpt2, text}, {llama, text}, {llama, pc}}) {
            String[] args = {"eval", "--model", c[0].toString(), "--data", c[1].toString(), "--json", "--batch-size", "2"};
            DecafCliTest.Run djl = InferCli.run(args);
            DecafCliTest.Run onnx = InferCli.run(concat(args, "--engine", "onnx"));
            assertEquals(0, djl.code(), djl.err());
            assertEquals(0, onnx.code(), onnx.err());
            double a = loss(djl.out());
            double b = loss(onnx.out());
            assertEquals(a, b, 1e-4, c[0] + " on " + c[1]);
            assertEquals(djl.out().lines().reduce((x, y) -> y).orElseThrow().replaceAll("\"loss\": [^,]+, \"perplexity\": [^,]+", ""),
                    onnx.out().lines().reduce((x, y) -> y).orElseThrow().replaceAll("\"loss\": [^,]+, \"perplexity\": [^,]+", ""),
                    "the same tokens are counted");
            System.out.printf("eval %s %s: djl %.9f onnx %.9f (|diff| %.2g)%n", ((Path) c[0]).getFileName(), ((Path) c[1]).getFileName(), a, b,
                    Math.abs(a - b));
        }
    }

    @Test
    void generateWithOnnxGivesTheDjlGreedyText() {
        for (Path dir : List.of(gpt2, llama)) {
            String[] args = {"generate", "--model", dir.toString(), "--prompt", "Q: duck, apple, tuesday, eleven. which one is an animal?\nA:",
                "--temperature", "0", "--max-tokens", "20"};
            DecafCliTest.Run djl = InferCli.run(args);
            DecafCliTest.Run onnx = InferCli.run(concat(args, "--engine", "onnx"));
            assertEquals(0, djl.code(), djl.err());
            assertEquals(0, onnx.code(), onnx.err());
            assertEquals(djl.out(), onnx.out(), dir.toString());
            assertFalse(djl.out().isBlank());
            assertTrue(onnx.err().contains("the graph has no key/value cache"), onnx.err());
        }
        // the quickstart base is a trained model: its greedy answer is a word, not noise
        DecafCliTest.Run kv = DecafCliTest.run("export", "onnx", "--model", llama.toString(), "--kv-cache");
        assertEquals(0, kv.code(), kv.err());
        String[] args = {"generate", "--model", llama.toString(), "--prompt", "the cat", "--temperature", "0", "--max-tokens", "24"};
        DecafCliTest.Run djl = InferCli.run(args);
        DecafCliTest.Run cached = InferCli.run(concat(args, "--engine", "onnx"));
        assertEquals(0, cached.code(), cached.err());
        assertEquals(djl.out(), cached.out(), "with the key/value cache");
        assertFalse(cached.err().contains("no key/value cache"), cached.err());
        // --onnx runs a graph kept under another name (here opset 23) against the same directory
        Path o23 = tmp.resolve("llama-o23.onnx");
        DecafCliTest.Run export23 = DecafCliTest.run("export", "onnx", "--model", llama.toString(), "--opset", "23",
                "--kv-cache", "--out", o23.toString());
        assertEquals(0, export23.code(), export23.err());
        DecafCliTest.Run named = InferCli.run(concat(args, "--engine", "onnx", "--onnx", o23.toString()));
        assertEquals(0, named.code(), named.err());
        assertEquals(djl.out(), named.out(), "opset 23 through --onnx");
    }

    @Test
    void importGivesTheWeightsBackBitForBit() throws Exception {
        for (Path dir : List.of(gpt2, llama)) {
            Path back = tmp.resolve(dir.getFileName() + "-back");
            DecafCliTest.Run r = DecafCliTest.run("import", "onnx", dir.resolve("model.onnx").toString(), "--out", back.toString());
            assertEquals(0, r.code(), r.err());
            assertEquals(Files.readString(dir.resolve("config.json")), Files.readString(back.resolve("config.json")));
            assertArrayEquals(Files.readAllBytes(dir.resolve("tokenizer.json")), Files.readAllBytes(back.resolve("tokenizer.json")));
            try (SafetensorsReader a = SafetensorsReader.open(dir.resolve("model.safetensors"));
                    SafetensorsReader b = SafetensorsReader.open(back.resolve("model.safetensors"))) {
                int compared = 0;
                for (TensorEntry e : a.entries().values()) {
                    if (e.name().equals("lm_head.weight") && !b.entries().containsKey(e.name())) {
                        continue; // a stored copy of the tied embedding
                    }
                    TensorEntry f = b.entries().get(e.name());
                    assertTrue(f != null, "import lacks " + e.name());
                    assertEquals(e.dtype(), f.dtype());
                    assertArrayEquals(e.shape(), f.shape());
                    assertEquals(bytes(a, e), bytes(b, f), e.name());
                    compared++;
                }
                assertEquals(b.entries().size(), compared, "no extra tensors");
            }
            DecafCliTest.Run eval = InferCli.run("generate", "--model", back.toString(), "--prompt", "a", "--temperature", "0",
                    "--max-tokens", "5");
            assertEquals(0, eval.code(), eval.err());
        }
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        Path noTok = tmp.resolve("no-tokenizer");
        Files.createDirectories(noTok);
        Files.copy(gpt2.resolve("config.json"), noTok.resolve("config.json"));
        Files.copy(gpt2.resolve("model.safetensors"), noTok.resolve("model.safetensors"));
        DecafCliTest.Run r = DecafCliTest.run("export", "onnx", "--model", noTok.toString());
        assertBad(r, "tokenizer.json: no such file");

        Path unknown = tmp.resolve("unknown-arch");
        Files.createDirectories(unknown);
        Files.writeString(unknown.resolve("config.json"), Files.readString(gpt2.resolve("config.json"))
                .replace("\"gpt2\"", "\"mamba\""));
        Files.copy(gpt2.resolve("tokenizer.json"), unknown.resolve("tokenizer.json"));
        Files.copy(gpt2.resolve("model.safetensors"), unknown.resolve("model.safetensors"));
        assertBad(DecafCliTest.run("export", "onnx", "--model", unknown.toString()), "'mamba'");

        assertBad(DecafCliTest.run("export", "onnx", "--model", gpt2.toString(), "--opset", "19"), "--opset must be 17 or 23");

        Path noOnnx = tmp.resolve("no-onnx");
        Files.createDirectories(noOnnx);
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            Files.copy(gpt2.resolve(f), noOnnx.resolve(f));
        }
        assertBad(InferCli.run("generate", "--model", noOnnx.toString(), "--prompt", "a", "--engine", "onnx"),
                "decaf export onnx --model");
        assertBad(InferCli.run("generate", "--model", gpt2.toString(), "--prompt", "a", "--engine", "tf"),
                "--engine must be djl or onnx");
        // a graph copied away from its tokenizer imports, and says the directory lacks one
        Path lone = Files.createDirectories(tmp.resolve("lone")).resolve("model.onnx");
        Files.copy(gpt2.resolve("model.onnx"), lone);
        DecafCliTest.Run imported = DecafCliTest.run("import", "onnx", lone.toString(), "--out", tmp.resolve("lone-out").toString());
        assertEquals(0, imported.code(), imported.err());
        assertTrue(imported.err().contains("warning: no tokenizer.json beside"), imported.err());
        // a model.onnx exported from other weights (another seed) is refused, not run
        Path stale = DecafCliTest.initTinyModel(tmp.resolve("stale"), 8);
        Files.copy(gpt2.resolve("model.onnx"), stale.resolve("model.onnx"));
        assertBad(InferCli.run("generate", "--model", stale.toString(), "--prompt", "a", "--engine", "onnx"),
                "exported from other weights than");
        assertEquals(0, InferCli.run("generate", "--model", gpt2.toString(), "--prompt", "a", "--max-tokens", "2",
                "--engine", "onnx").code(), "its own directory's weights pass");

        Path notOnnx = Files.writeString(tmp.resolve("junk.onnx"), "not a protobuf at all, just text");
        assertBad(DecafCliTest.run("import", "onnx", notOnnx.toString(), "--out", tmp.resolve("x").toString()), "junk.onnx");
        Path foreign = tmp.resolve("foreign.onnx");
        writeForeign(foreign, false);
        assertBad(DecafCliTest.run("import", "onnx", foreign.toString(), "--out", tmp.resolve("y").toString()),
                "not a decaf export");
        Path unknownOp = tmp.resolve("unknown-op.onnx");
        writeForeign(unknownOp, true);
        assertBad(DecafCliTest.run("import", "onnx", unknownOp.toString(), "--out", tmp.resolve("z").toString()),
                "operator 'Conv'");
    }

    static void assertBad(DecafCliTest.Run r, String expected) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }

    static ByteBuffer bytes(SafetensorsReader r, TensorEntry e) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(e.byteSize()));
        r.read(e.name(), b);
        return b.flip();
    }

    /** A one-node graph: without decaf's metadata (a Relu), or with it and an operator decaf never writes (a Conv). */
    static void writeForeign(Path file, boolean withDecafMetadata) throws Exception {
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17))
                .setGraph(GraphProto.newBuilder().setName("foreign").addNode(NodeProto.newBuilder()
                        .setName("only").setOpType(withDecafMetadata ? "Conv" : "Relu").addInput("x").addOutput("y")));
        if (withDecafMetadata) {
            m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(OnnxExporter.META_CONFIG).setValue("{}"));
            m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(OnnxExporter.META_FORMAT)
                    .setValue(OnnxImporter.FORMAT_VERSION));
        }
        Files.write(file, m.build().toByteArray());
    }

    static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
