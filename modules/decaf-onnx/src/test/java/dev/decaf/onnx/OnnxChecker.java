package dev.decaf.onnx;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** ONNX's own C++ checker (org.bytedeco:onnx), full check with shape inference, on a copy of the file. */
final class OnnxChecker {

    private OnnxChecker() {}

    static void check(Path model) throws Exception {
        Path dir = Files.createTempDirectory(model.getParent(), "check");
        Path copy = dir.resolve(model.getFileName());
        Files.copy(model, copy, StandardCopyOption.REPLACE_EXISTING);
        Path data = model.resolveSibling(model.getFileName() + ".data");
        if (Files.exists(data)) {
            Files.copy(data, dir.resolve(data.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        // throws (a RuntimeException carrying ONNX's ValidationError message) when invalid
        org.bytedeco.onnx.global.onnx.check_model(copy.toString(), true, false, false);
    }
}
