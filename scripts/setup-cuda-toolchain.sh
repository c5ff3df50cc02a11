#!/usr/bin/env bash
# Provides a CUDA 13 toolchain for building the `cuda` variant, without a system CUDA install.
#
#   bash scripts/setup-cuda-toolchain.sh      # prints the toolkit folder (use it as CUDA_PATH)
#
# Downloads NVIDIA's wheels pinned in scripts/cuda-toolchain.txt (nvcc, nvvm, crt headers, the
# runtime, cuBLAS, CCCL) from PyPI, checks their hashes, and unpacks them into one folder with
# the layout of a CUDA toolkit (bin/, include/, lib/, nvvm/), which CMake's FindCUDAToolkit and
# nvcc's own profile understand. Then it adds what the wheels leave out:
# - the unversioned .so links the linker looks for (libcudart.so -> libcudart.so.13, ...);
# - lib/stubs/libcuda.so, a stub of the driver library with soname libcuda.so.1, generated from
#   cuda.h: ggml-cuda links the driver API (virtual memory pools); the real libcuda.so.1 comes
#   from the NVIDIA driver at run time. (A toolkit install ships the same kind of stub.) Every
#   entry point returns CUDA_ERROR_NO_DEVICE, so the stub also serves tests as "a driver with no
#   GPU" (tests/cuda-variant.test.ts).
# Nothing is installed system-wide. Idempotent: a second run only checks. Needs python3 + pip.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
toolkit="$root/.cache/toolchains/cuda-13"
pins="$root/scripts/cuda-toolchain.txt"
stamp="$toolkit/.stamp"
# What this toolkit was made from: the pins and this script's own recipe.
recipe() { cat "$pins" "$root/scripts/setup-cuda-toolchain.sh"; }

if [ -x "$toolkit/bin/nvcc" ] && [ -f "$toolkit/lib/stubs/libcuda.so" ] && recipe | cmp -s - "$stamp"; then
  echo "$toolkit"
  exit 0
fi

echo "setup-cuda-toolchain: fetching the CUDA 13 wheels into $toolkit" >&2
wheels="$root/.cache/toolchains/cuda-13-wheels"
rm -rf "$toolkit"
mkdir -p "$wheels" "$toolkit"
python3 -m pip download --quiet --no-deps --only-binary=:all: --require-hashes \
  --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
  --platform manylinux2010_x86_64 --python-version 3.11 --implementation py \
  -r "$pins" -d "$wheels" >&2

unpack="$toolkit.unpack"
rm -rf "$unpack"
mkdir -p "$unpack"
while read -r name _; do
  case "$name" in ''|'#'*) continue ;; esac
  wheel=$(ls "$wheels"/"$(echo "${name%%==*}" | tr - _)"-"${name##*==}"-*.whl)
  python3 -m zipfile -e "$wheel" "$unpack"
done <"$pins"
# Every wheel puts its files under nvidia/cu13/, the toolkit's own layout.
cp -a "$unpack/nvidia/cu13/." "$toolkit/"
rm -rf "$unpack"
# zipfile does not keep the executable bit.
chmod +x "$toolkit"/bin/* "$toolkit"/nvvm/bin/* 2>/dev/null || true

for lib in cudart cublas cublasLt nvblas; do
  ln -sf "lib$lib.so.13" "$toolkit/lib/lib$lib.so"
done
# CMake and nvcc's profile look in lib64/ too.
ln -sfn lib "$toolkit/lib64"

mkdir -p "$toolkit/lib/stubs"
# One function per driver entry point that cuda.h declares (after its _v2/_v3 renames), each
# answering CUDA_ERROR_NO_DEVICE (100).
gcc -E -P "$toolkit/include/cuda.h" \
  | grep -oE '\bCUresult[[:space:]]+cu[A-Za-z0-9_]+[[:space:]]*\(' \
  | sed -E 's/^CUresult[[:space:]]+//; s/[[:space:]]*\($//' | sort -u \
  | awk '{ print "int " $1 "(void) { return 100; }" }' >"$toolkit/lib/stubs/libcuda-stub.c"
gcc -shared -fPIC -Wl,-soname,libcuda.so.1 -o "$toolkit/lib/stubs/libcuda.so" "$toolkit/lib/stubs/libcuda-stub.c"

"$toolkit/bin/nvcc" --version >&2
recipe >"$stamp"
echo "$toolkit"
