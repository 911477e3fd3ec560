package dev.decaf.models.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.decaf.models.nn.DecoderModel;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The committed golden gpt2-tiny model (vocab 96, 64 positions, eos 95) and a reference forward. */
final class Golden {

    private Golden() {}

    static Path gpt2Tiny() throws URISyntaxException {
        return Path.of(Golden.class.getResource("/golden/models/gpt2-tiny/config.json").toURI()).getParent();
    }

    /** Logits {@code [T][V]} of one unpadded sequence, straight from {@code model.forward}. */
    static float[][] logits(DecoderModel model, NDManager manager, int[] ids) {
        long[] row = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            row[i] = ids[i];
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray out = model.forward(new ParameterStore(scope, false), new NDList(scope.create(new long[][] {row})),
                    false).singletonOrThrow();
            int t = (int) out.getShape().get(1);
            int v = (int) out.getShape().get(2);
            float[] flat = out.toFloatArray();
            float[][] z = new float[t][v];
            for (int i = 0; i < t; i++) {
                System.arraycopy(flat, i * v, z[i], 0, v);
            }
            return z;
        }
    }
}
