package dev.decaf.djl.optim;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;

/** A block that only holds named parameters with given initial values (for optimizer tests). */
final class NamedParameterBlock extends AbstractBlock {

    private final Map<String, Parameter> params = new LinkedHashMap<>();

    NamedParameterBlock(Map<String, long[]> shapes) {
        shapes.forEach(this::declare);
    }

    private Parameter declare(String name, long[] shape) {
        Parameter p = addParameter(Parameter.builder()
                .setName(name)
                .setType(name.endsWith("bias") ? Parameter.Type.BIAS : Parameter.Type.WEIGHT)
                .optShape(new Shape(shape))
                .optInitializer(ai.djl.training.initializer.Initializer.ZEROS)
                .build());
        params.put(name, p);
        return p;
    }

    /** Adds a parameter after the others were initialized (a late head or adapter) and initializes it. */
    Parameter addLate(String name, long[] shape, NDManager manager, float[] values) {
        Parameter p = declare(name, shape);
        p.initialize(manager, DataType.FLOAT32);
        p.getArray().set(values);
        return p;
    }

    /** Initializes every parameter on the manager and sets its values. */
    void initialize(NDManager manager, Map<String, float[]> values) {
        params.forEach((name, p) -> {
            p.initialize(manager, DataType.FLOAT32);
            p.getArray().set(values.get(name));
        });
    }

    Parameter param(String name) {
        return params.get(name);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        throw new UnsupportedOperationException("parameters only");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
