"""Builds the `gpt4all` package with the native engine of this repository.

The library is not compiled here: `bash scripts/setup.sh` (or `pnpm build`) has already built
libgpt4all into the platform packages (`packages/core-<platform>-<variant>`). This step copies
it, llama.cpp's shared libraries and every CPU level module of the CPU packages into
`gpt4all/_native/` (the library loads the best level for the CPU from beside itself), and
writes `gpt4all/gpt4all_cdef.h`: the generated header gpt4all.h, preprocessed for cffi (which
reads declarations but no preprocessor directives). GPT4ALL_NATIVE_DIRS (os.pathsep-separated)
names other package directories, for example an installed node_modules/@gpt4all/core-*.
"""
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70
    from wheel.bdist_wheel import bdist_wheel

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def platform_name() -> str:
    system = {"linux": "linux", "darwin": "darwin", "win32": "win32"}[sys.platform]
    machine = platform.machine().lower()
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}[machine]
    return f"{system}-{arch}"


def native_dirs() -> list:
    """The platform packages to take files from: CPU packages, the one with the best levels first
    (cpu-avx carries CPU levels only; cpu-avx2 the engine and the header)."""
    if os.environ.get("GPT4ALL_NATIVE_DIRS"):
        return [Path(d) for d in os.environ["GPT4ALL_NATIVE_DIRS"].split(os.pathsep) if d]
    name = platform_name()
    order = ["cpu-avx2", "cpu-avx", "cpu-arm", "metal"]
    dirs = [REPO / "packages" / f"core-{name}-{variant}" for variant in order]
    return [d for d in dirs if (d / "native.json").exists()]


def copy_native(target: Path) -> Path:
    dirs = native_dirs()
    headers = [d / "gpt4all.h" for d in dirs if (d / "gpt4all.h").exists()]
    if not headers:
        sys.exit(
            "gpt4all: no built engine found in packages/core-*: run `bash scripts/setup.sh` at the repository "
            "root first, or set GPT4ALL_NATIVE_DIRS to the directory of an installed @gpt4all/core-* package"
        )
    native = target / "_native"
    shutil.rmtree(native, ignore_errors=True)
    native.mkdir(parents=True)
    for directory in dirs:
        for file in directory.iterdir():
            shared = file.suffix in (".so", ".dll", ".dylib") or ".so." in file.name
            # The first package wins for the files they share (libgpt4all, libllama, ...).
            if shared and not (native / file.name).exists():
                shutil.copy2(file, native / file.name)
    return headers[0]


def write_cdef(header: Path, target: Path) -> None:
    """gpt4all.h without comments and directives, for cffi's cdef: preprocessed as C99, with
    empty stand-ins for the standard headers (cffi knows their types itself)."""
    with tempfile.TemporaryDirectory() as stubs:
        for name in ("stdbool.h", "stddef.h", "stdint.h"):
            Path(stubs, name).write_text("")
        compiler = os.environ.get("CC", "cc")
        text = subprocess.run(
            [compiler, "-E", "-P", "-std=c99", "-nostdinc", "-I", stubs, "-x", "c", str(header)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    (target / "gpt4all_cdef.h").write_text(text)


class BuildWithNative(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / "gpt4all"
        header = copy_native(target)
        write_cdef(header, target)


class PlatformWheel(bdist_wheel):
    """The wheel carries native libraries: tag it for this platform (any Python 3)."""

    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        return ("py3", "none", super().get_tag()[2])


class BinaryDistribution(Distribution):
    def has_ext_modules(self):
        return True


setup(cmdclass={"build_py": BuildWithNative, "bdist_wheel": PlatformWheel}, distclass=BinaryDistribution)
