package dev.decaf.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The opset 23 graphs (IR 11: RMSNormalization, RotaryEmbedding, Attention, Gelu) on ONNX Runtime
 * against DJL, with and without the cache. ONNX's checker in org.bytedeco:onnx 1.17 knows opsets up
 * to 22, so these files are checked by ONNX Runtime alone.
 */
class OnnxOpset23Test {

    @TempDir
    static Path tmp;

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> models() {
        return OnnxParityTest.models();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void opset23GivesTheDjlLogits(String name, Map<String, Object> config) throws Exception {
        Path dir = RandomCheckpoints.write(tmp.resolve(name), config, name.hashCode() + 2);
        Path plain = dir.resolve("model23.onnx");
        Path cached = dir.resolve("model23-kv.onnx");
        OnnxExporter.builder().optOpset(23).build().export(dir, plain);
        OnnxExporter.builder().optOpset(23).optKvCache(true).build().export(dir, cached);
        ModelProto model = OnnxImporter.read(plain);
        assertEquals(11, model.getIrVersion());
        assertEquals(23, model.getOpsetImport(0).getVersion());
        Set<String> ops = model.getGraph().getNodeList().stream().map(NodeProto::getOpType).collect(Collectors.toSet());
        assertTrue(ops.contains("Attention"), ops.toString());
        assertTrue(name.startsWith("gpt2") ? ops.contains("Gelu")
                : ops.contains("RMSNormalization") && ops.contains("RotaryEmbedding"), ops.toString());
        int vocab = ((Number) config.get("vocab_size")).intValue();
        long[][][] batch = OnnxParityTest.leftPaddedBatch(vocab, 5);
        float[] want = OnnxParityTest.djlLogits(dir, batch[0], batch[1]);
        double worst = 0;
        try (OnnxDecoder d = OnnxDecoder.open(plain, 1); OnnxDecoder kv = OnnxDecoder.open(cached, 1)) {
            for (OnnxDecoder decoder : new OnnxDecoder[] {d, kv}) {
                OnnxDecoder.Logits got = decoder.logits(batch[0], batch[1]);
                int width = batch[0][0].length;
                for (int r = 0; r < batch[0].length; r++) {
                    for (int s = 0; s < width; s++) {
                        if (batch[1][r][s] == 0) {
                            continue; // padding queries: the fused operators may treat an all-masked row otherwise
                        }
                        for (int k = 0; k < vocab; k++) {
                            worst = Math.max(worst, Math.abs(want[(r * width + s) * vocab + k] - got.at(r, s)[k]));
                        }
                    }
                }
            }
        }
        assertTrue(worst < OnnxParityTest.TOLERANCE, name + ": opset 23 max |ORT − DJL| = " + worst);
        System.out.printf("opset 23 %s: max |ORT - DJL| = %.3g%n", name, worst);
    }
}
