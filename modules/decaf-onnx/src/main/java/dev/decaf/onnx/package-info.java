/** ONNX export of decaf's decoders, ONNX Runtime inference, and import back to a model directory. */
package dev.decaf.onnx;
