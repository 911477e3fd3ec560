package dev.decaf.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.decaf.core.safetensors.DType;
import dev.decaf.core.safetensors.HalfFloats;
import dev.decaf.core.safetensors.SafetensorsReader;
import dev.decaf.core.safetensors.SafetensorsWriter;
import dev.decaf.core.safetensors.TensorEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** External data, import round trips (F32 and BF16 checkpoints), and what the checker and importer refuse. */
class OnnxFilesTest {

    @TempDir
    static Path tmp;

    static Path llama;

    @BeforeAll
    static void init() throws Exception {
        llama = RandomCheckpoints.write(tmp.resolve("llama"), RandomCheckpoints.llama(67, 16, 32, 48, 2, 4, 2, false), 9);
    }

    @Test
    void weightsAboveTheThresholdGoToAnExternalFileTensorByTensor() throws Exception {
        Path inline = tmp.resolve("inline/model.onnx");
        Path external = tmp.resolve("external/model.onnx");
        OnnxExporter.Result a = OnnxExporter.builder().build().export(llama, inline);
        OnnxExporter.Result b = OnnxExporter.builder().optExternalDataThreshold(1000).build().export(llama, external);
        assertNull(a.externalData());
        assertEquals(external.resolveSibling("model.onnx.data"), b.externalData());
        // 2 layers · (q 32·32 + k, v 16·32 + o 32·32 + 3 · 48·32 + 2 norms 32) + embed and head 2 · 67·32 + norm 32
        long params = 2L * (32 * 32 + 2 * 16 * 32 + 32 * 32 + 3 * 48 * 32 + 2 * 32) + 2L * 67 * 32 + 32;
        assertEquals(params * 4, b.weightBytes());
        assertEquals(params * 4, Files.size(b.externalData()), "every weight, nothing else");
        assertTrue(Files.size(external) < 20_000, "the graph alone: " + Files.size(external));
        ModelProto m = OnnxImporter.read(external);
        long offset = 0;
        for (TensorProto t : m.getGraph().getInitializerList()) {
            assertEquals(TensorProto.DataLocation.EXTERNAL, t.getDataLocation(), t.getName());
            assertEquals("model.onnx.data", t.getExternalData(0).getValue());
            assertEquals(offset, Long.parseLong(t.getExternalData(1).getValue()), t.getName() + " follows the one before");
            offset += Long.parseLong(t.getExternalData(2).getValue());
        }
        assertEquals(Files.size(b.externalData()), offset);
        OnnxChecker.check(external);
        long[][][] batch = OnnxParityTest.leftPaddedBatch(67, 1);
        try (OnnxDecoder x = OnnxDecoder.open(inline, 1); OnnxDecoder y = OnnxDecoder.open(external, 1)) {
            assertArrayEquals(x.logits(batch[0], batch[1]).values(), y.logits(batch[0], batch[1]).values());
        }
        byte[] graph = Files.readAllBytes(external);
        byte[] data = Files.readAllBytes(b.externalData());
        OnnxExporter.builder().optExternalDataThreshold(1000).build().export(llama, external);
        assertArrayEquals(graph, Files.readAllBytes(external), "repeatable bytes, graph");
        assertArrayEquals(data, Files.readAllBytes(b.externalData()), "repeatable bytes, data");

        Path back = tmp.resolve("external-back");
        OnnxImporter.importModel(external, back);
        assertSameTensors(llama.resolve("model.safetensors"), back.resolve("model.safetensors"));
    }

    @Test
    void aBf16CheckpointComesBackInBf16BitForBit() throws Exception {
        Path bf16 = tmp.resolve("bf16");
        Files.createDirectories(bf16);
        Files.copy(llama.resolve("config.json"), bf16.resolve("config.json"));
        try (SafetensorsReader r = SafetensorsReader.open(llama.resolve("model.safetensors"));
                SafetensorsWriter w = SafetensorsWriter.create(bf16.resolve("model.safetensors"), Map.of("format", "pt"))) {
            for (TensorEntry e : r.entries().values()) {
                w.add(e.name(), DType.BF16, e.shape());
            }
            for (TensorEntry e : r.entries().values()) {
                int n = Math.toIntExact(e.numel());
                ByteBuffer f = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
                r.read(e.name(), f.duplicate());
                ByteBuffer h = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
                HalfFloats.narrow(DType.BF16, f, h, n);
                w.write(e.name(), h);
            }
        }
        Path onnx = tmp.resolve("bf16.onnx");
        OnnxExporter.builder().build().export(bf16, onnx);
        assertEquals("BF16", OnnxImporter.metadata(OnnxImporter.read(onnx), OnnxExporter.META_DTYPE));
        Path back = tmp.resolve("bf16-back");
        OnnxImporter.importModel(onnx, back);
        assertSameTensors(bf16.resolve("model.safetensors"), back.resolve("model.safetensors"));
    }

    @Test
    void theCheckerAndTheImporterRefuseWhatIsWrong() throws Exception {
        Path good = tmp.resolve("good.onnx");
        OnnxExporter.builder().build().export(llama, good);
        ModelProto m = OnnxImporter.read(good);
        // a node reading a value nothing produces: ONNX's checker must say so (it is not a no-op)
        int reader = 0;
        while (m.getGraph().getNode(reader).getInputCount() == 0) {
            reader++; // the first node that reads something (the first few are constants)
        }
        ModelProto broken = m.toBuilder().setGraph(m.getGraph().toBuilder()
                .setNode(reader, m.getGraph().getNode(reader).toBuilder().setInput(0, "nowhere"))).build();
        Path bad = tmp.resolve("broken.onnx");
        Files.write(bad, broken.toByteArray());
        RuntimeException e = assertThrows(RuntimeException.class, () -> OnnxChecker.check(bad));
        assertTrue(e.getMessage().contains("nowhere"), e.getMessage());

        ModelProto unknownOp = m.toBuilder().setGraph(m.getGraph().toBuilder()
                .setNode(3, m.getGraph().getNode(3).toBuilder().setOpType("LSTM"))).build();
        Path lstm = tmp.resolve("lstm.onnx");
        Files.write(lstm, unknownOp.toByteArray());
        IOException io = assertThrows(IOException.class, () -> OnnxImporter.importModel(lstm, tmp.resolve("no")));
        assertTrue(io.getMessage().startsWith(lstm + ": node '") && io.getMessage().contains("operator 'LSTM'"),
                io.getMessage());
        assertEquals(1, io.getMessage().lines().count());

        IOException unknownArch = assertThrows(IOException.class, () -> {
            Path dir = tmp.resolve("mistral");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.json"), Files.readString(llama.resolve("config.json"))
                    .replace("\"llama\"", "\"mistral\""));
            OnnxExporter.builder().build().export(dir, dir.resolve("model.onnx"));
        });
        assertTrue(unknownArch.getMessage().contains("'mistral'"), unknownArch.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OnnxExporter.builder().optOpset(18));
    }

    static void assertSameTensors(Path want, Path got) throws Exception {
        try (SafetensorsReader a = SafetensorsReader.open(want); SafetensorsReader b = SafetensorsReader.open(got)) {
            assertEquals(a.entries().keySet(), b.entries().keySet());
            for (TensorEntry e : a.entries().values()) {
                TensorEntry f = b.entries().get(e.name());
                assertNotNull(f);
                assertEquals(e.dtype(), f.dtype(), e.name());
                assertArrayEquals(e.shape(), f.shape(), e.name());
                ByteBuffer x = ByteBuffer.allocate(Math.toIntExact(e.byteSize()));
                ByteBuffer y = ByteBuffer.allocate(Math.toIntExact(f.byteSize()));
                a.read(e.name(), x);
                b.read(f.name(), y);
                assertEquals(x.flip(), y.flip(), e.name() + " bit for bit");
            }
        }
    }
}
