package dev.decaf.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds an ONNX {@link GraphProto} node by node, with the generated protobuf classes of {@code
 * onnx-ml.proto}. Every value gets a name from a counter and every node's attributes are written in
 * the order the caller gives them, so the same model always serialises to the same bytes.
 */
final class GraphBuilder {

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private int counter;

    GraphBuilder(String name) {
        graph.setName(name);
    }

    /** An attribute, written in the order given. */
    record Attr(AttributeProto proto) {
        static Attr ints(String name, long... values) {
            AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
            for (long v : values) {
                b.addInts(v);
            }
            return new Attr(b.build());
        }

        static Attr i(String name, long value) {
            return new Attr(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT)
                    .setI(value).build());
        }

        static Attr f(String name, float value) {
            return new Attr(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT)
                    .setF(value).build());
        }

        static Attr tensor(String name, TensorProto value) {
            return new Attr(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR)
                    .setT(value).build());
        }
    }

    /**
     * Adds a node with one output.
     *
     * @param op the operator type
     * @param hint a readable prefix for the output's name
     * @param inputs the input value names ("" for an omitted optional input)
     * @param attrs the attributes
     * @return the output's name
     */
    String op(String op, String hint, List<String> inputs, Attr... attrs) {
        String out = hint + "_" + (counter++);
        node(op, inputs, List.of(out), attrs);
        return out;
    }

    /** Adds a node with the given outputs. */
    void node(String op, List<String> inputs, List<String> outputs, Attr... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName("node_" + graph.getNodeCount() + "_" + op);
        n.addAllInput(inputs).addAllOutput(outputs);
        for (Attr a : attrs) {
            n.addAttribute(a.proto());
        }
        graph.addNode(n);
    }

    String op(String op, String hint, String input, Attr... attrs) {
        return op(op, hint, List.of(input), attrs);
    }

    String op(String op, String hint, String a, String b, Attr... attrs) {
        return op(op, hint, List.of(a, b), attrs);
    }

    /** Returns a fresh value name with this prefix (for nodes with several outputs). */
    String fresh(String hint) {
        return hint + "_" + (counter++);
    }

    /** An int64 constant (a {@code Constant} node), {@code shape} the dims or none for a scalar. */
    String longs(String hint, long[] shape, long... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE);
        for (long d : shape) {
            t.addDims(d);
        }
        for (long v : values) {
            t.addInt64Data(v);
        }
        return op("Constant", hint, List.of(), Attr.tensor("value", t.build()));
    }

    /** A 1-D int64 constant. */
    String vector(String hint, long... values) {
        return longs(hint, new long[] {values.length}, values);
    }

    /** A float32 constant of the given shape (raw little-endian data). */
    String floats(String hint, long[] shape, float... values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.putFloat(v);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(buf.array()));
        for (long d : shape) {
            t.addDims(d);
        }
        return op("Constant", hint, List.of(), Attr.tensor("value", t.build()));
    }

    /** A float32 scalar constant. */
    String scalar(String hint, float value) {
        return floats(hint, new long[0], value);
    }

    void initializer(TensorProto tensor) {
        graph.addInitializer(tensor);
    }

    /** Declares a graph input with symbolic ("batch") or fixed dimensions. */
    void input(String name, TensorProto.DataType type, Object... dims) {
        graph.addInput(valueInfo(name, type, dims));
    }

    /** Declares a graph output. */
    void output(String name, TensorProto.DataType type, Object... dims) {
        graph.addOutput(valueInfo(name, type, dims));
    }

    /** Renames a computed value to a graph name (an {@code Identity} node). */
    void alias(String value, String name) {
        node("Identity", List.of(value), List.of(name));
    }

    GraphProto build() {
        return graph.build();
    }

    private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String s) {
                dim.setDimParam(s);
            } else {
                dim.setDimValue(((Number) d).longValue());
            }
            shape.addDim(dim);
        }
        TypeProto t = TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(t).build();
    }
}
