#!/usr/bin/env bash
# Prepares a Debian bookworm (x86-64) machine to build and test the `vulkan` variant.
#
#   bash scripts/setup-vulkan-toolchain.sh      # prints the glslc wrapper's path
#
# 1. Installs bookworm's Vulkan loader and headers, SPIR-V headers, and Mesa's drivers, which
#    include lavapipe, the CPU Vulkan driver the tests run on when there is no GPU.
# 2. Bookworm's glslc (shaderc 2023.2) and Vulkan headers (1.3.239) are too old for the pinned
#    llama.cpp (cooperative-matrix shaders; VK_KHR_cooperative_matrix and VK_EXT_layer_settings
#    in ggml-vulkan.cpp), and trixie's glslc needs glibc 2.38. So this downloads trixie's glslc
#    with its runtime libraries (glibc, libstdc++, libgcc, libshaderc) and trixie's Vulkan headers
#    (libvulkan-dev 1.4.309) as .debs, unpacks them into a private folder, and writes a wrapper
#    that runs glslc through trixie's own dynamic loader. Nothing from trixie is installed
#    system-wide; no chroot. Paths on the host work as they are. The addon still links bookworm's
#    loader, libvulkan.so.1, which is ABI-stable (ggml-vulkan loads all entry points dynamically).
#
# The build picks both up by itself (scripts/build-native.mjs, build-llama-tools.mjs); elsewhere,
# set GPT4ALL_GLSLC to a new enough glslc and GPT4ALL_VULKAN_INCLUDE_DIR to Vulkan headers
# 1.4 or later (the folder holding vulkan/vulkan.hpp).
# Idempotent: a second run only checks. Needs root (or sudo) for apt-get install.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
toolchain="$root/.cache/toolchains/vulkan-trixie"
wrapper="$toolchain/glslc"

bash "$root/scripts/install-debian-packages.sh" libvulkan-dev libvulkan1 mesa-vulkan-drivers spirv-headers

if ! "$wrapper" --version >/dev/null 2>&1 || [ ! -f "$toolchain/root/usr/include/vulkan/vulkan.hpp" ]; then
  echo "setup-vulkan-toolchain: fetching trixie's glslc and Vulkan headers into $toolchain" >&2
  work="$root/.cache/toolchains/apt-trixie"
  rm -rf "$toolchain" "$work"
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs" "$toolchain/root"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" \
    >"$work/sources.list"
  # A separate sources list, package lists and cache: the host's apt state is never touched.
  apt_opts=(
    -o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o Dir::State::Status=/dev/null
    -o APT::Sandbox::User=root
  )
  apt-get "${apt_opts[@]}" update -qq >&2
  # glslc's whole runtime closure (trixie's libshaderc1 links glslang and SPIRV-Tools statically),
  # and the headers.
  (cd "$work/debs" && apt-get "${apt_opts[@]}" download glslc libshaderc1 libc6 libstdc++6 libgcc-s1 libvulkan-dev >&2)
  for deb in "$work/debs"/*.deb; do dpkg-deb -x "$deb" "$toolchain/root"; done
  cat >"$wrapper" <<'EOF'
#!/bin/sh
# trixie's glslc, run with trixie's own loader and libraries (see scripts/setup-vulkan-toolchain.sh).
r="$(dirname "$(readlink -f "$0")")/root"
exec "$r/usr/lib64/ld-linux-x86-64.so.2" --library-path "$r/usr/lib/x86_64-linux-gnu" "$r/usr/bin/glslc" "$@"
EOF
  chmod +x "$wrapper"
  rm -rf "$work"
  "$wrapper" --version >&2
fi

echo "$wrapper"
