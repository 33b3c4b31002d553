#!/usr/bin/env bash
# Builds the CUDA variant of the jar and runs the benchmark on this machine's GPU.
#
# Usage: scripts/gpu-check.sh [bench options...]      e.g. scripts/gpu-check.sh --batch 64 --seconds 5
#
# Needs: Java 17, Maven (the first -Pgpu build downloads the CUDA native library from Maven
# Central), an NVIDIA driver for CUDA 12.5, and CUDA 12.5 + cuDNN 9.3 libraries on the library path
# (TensorFlow 2.18's tested configuration; docker/Dockerfile.gpu has them), or run it inside that image.
# The jar goes to target-gpu/ (BUILD_DIR), so target/l2caf.jar stays the CPU build.
# Prints the device(s), whether TensorFlow created a GPU device, and bench's throughput table.
set -euo pipefail

cd "$(dirname "$0")/.."
build_dir="${BUILD_DIR:-$PWD/target-gpu}"
jar="$build_dir/l2caf.jar"

echo "== device"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi -L
else
  echo "nvidia-smi not found: no NVIDIA driver here; TensorFlow will fall back to the CPU"
fi

echo "== build (-Pgpu) -> $jar"
mvn -B -q -Pgpu package -DskipTests -Dl2caf.buildDir="$build_dir"
# The profile only swaps the native classifier; make sure the CUDA library really is inside.
if command -v unzip >/dev/null 2>&1; then
  listing="$(unzip -l "$jar")"
  if [[ "$listing" != *linux-x86_64-gpu/* ]]; then
    echo "warning: no linux-x86_64-gpu native library found in $jar" >&2
  fi
fi

echo "== bench"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# TensorFlow logs the devices it creates on stderr; keep that apart from the table on stdout.
if ! TF_CPP_MIN_LOG_LEVEL=0 java -jar "$jar" bench "$@" 2>"$log"; then
  tail -n 50 "$log" >&2
  exit 1
fi

echo "== TensorFlow devices"
grep -E 'Created device|Could not find cuda drivers|Cannot dlopen|cuInit|CuDNN library' "$log" || true
if grep -q 'device:GPU' "$log"; then
  echo "TensorFlow created a GPU device: the bench above ran on the GPU"
else
  echo "no GPU device in TensorFlow's log: the bench above ran on the CPU"
fi
