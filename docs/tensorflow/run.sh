#!/usr/bin/env bash
# Trains docs/tensorflow/TinyTransformerLm.java with decaf's TensorFlow AdamC. Run from the repository
# root: docs/tensorflow/run.sh [CORPUS] [--steps N] [--chars N] (CORPUS defaults to ../shared/data/kjv.txt).
# Builds decaf-core and decaf-tensorflow in the reactor (no install), then runs the file with Java's
# source launcher on their class path (TF's Linux x86-64 native included). MAVEN_OFFLINE= (empty)
# lets Maven download what ~/.m2 lacks (the TF jars, once).
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q ${MAVEN_OFFLINE--o} package -Dmaven.test.skip=true -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
  -pl modules/decaf-tensorflow -am dependency:build-classpath \
  -Dmdep.outputFile=target/tensorflow-example.classpath -DincludeScope=test \
  -DexcludeGroupIds=ai.djl,ai.djl.pytorch,org.junit.jupiter,org.junit.platform -DexcludeArtifactIds=decaf-djl >/dev/null
cp="modules/decaf-tensorflow/target/classes:$(cat modules/decaf-tensorflow/target/tensorflow-example.classpath)"
exec java -cp "$cp" docs/tensorflow/TinyTransformerLm.java "$@"
