#!/usr/bin/env bash
# From a fresh clone to a running demo, in one command:
#   system packages -> pnpm -> dependencies -> pinned llama.cpp -> native build -> `pnpm start`.
# Every step skips work that is already done, so running it again is cheap.
# `--no-start` stops after the build.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "System packages (compiler, CMake, Ninja, ccache, libclang for bindgen, curl, QEMU for the emulated-CPU tests, Chromium for the web app tests, Go and Python for the other-language bindings)"
if command -v dpkg-query >/dev/null 2>&1; then
  bash scripts/install-debian-packages.sh build-essential cmake ninja-build ccache libclang-dev clang git curl pkg-config qemu-user-static binutils chromium
  command -v go >/dev/null 2>&1 || bash scripts/install-debian-packages.sh golang-go
  python3 -c "import ensurepip, venv" >/dev/null 2>&1 || bash scripts/install-debian-packages.sh python3-venv
else
  echo "Not a Debian-like system: make sure a C++17 compiler, CMake, Ninja and libclang are installed."
fi

step "Rust"
if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo not found: install Rust 1.88 or later (https://rustup.rs) and run this again." >&2
  exit 1
fi
cargo --version

step "pnpm 10"
# corepack is not relied upon: its signature check fails on some machines.
if ! command -v pnpm >/dev/null 2>&1 || ! pnpm --version | grep -q '^10\.'; then
  npm install -g pnpm@10
fi
pnpm --version

step "JavaScript dependencies"
pnpm install --frozen-lockfile

step "llama.cpp (pinned in vendor/llama.cpp.pin.json)"
pnpm vendor

step "Build (native addon variants and packages; cached after the first run)"
pnpm build

step "llama.cpp's own tools, for the CPU level the addon runs here (the reference for parity tests and benchmarks; a few quiet minutes the first time)"
node scripts/build-llama-tools.mjs --cpu-level best --target llama-completion --target llama-bench --target llama-embedding

if [ "${1:-}" != "--no-start" ]; then
  step "Demo: pnpm start"
  pnpm start
fi
