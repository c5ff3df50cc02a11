"""Entry point of `gpt4all convert`: llama.cpp's vendored converters, plus GPT-J.

    python gpt4all_convert.py <converter dir> hf <convert_hf_to_gguf.py arguments...>
    python gpt4all_convert.py <converter dir> ggml <convert_llama_ggml_to_gguf.py arguments...>

<converter dir> holds the pinned llama.cpp's convert_hf_to_gguf.py, convert_llama_ggml_to_gguf.py,
conversion/ and gguf-py/ (bundled into @gpt4all/convert from vendor/llama.cpp). Our own model
classes (the modules beside this file) are registered into the converter's lazy model table as
`conversion.gpt4all_<module>` before its main() runs, and the GGML converter's tensor shapes are
fixed (fix_ggml_tensor_shapes), so the converter's files themselves are used unchanged.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

# Hugging Face class name -> the module beside this file that converts it: GPT-J, which the
# converter lacks; Falcon and GPTBigCode as their checkpoints describe them (and refused where
# llama.cpp cannot run them); MPT under transformers' class name.
PLUGINS = {
    "GPTJForCausalLM": "gptj",
    "FalconForCausalLM": "falcon",
    "RWForCausalLM": "falcon",
    "MptForCausalLM": "mpt",
    "GPTBigCodeForCausalLM": "starcoder",
}

# Printed before exiting with UNSUPPORTED_EXIT when the input cannot be converted as it is (an
# architecture or variant that llama.cpp cannot run): @gpt4all/convert reports it as
# ERR_CONVERT_UNSUPPORTED with the reason that follows.
UNSUPPORTED_MARKER = "gpt4all-convert: unsupported: "
UNSUPPORTED_EXIT = 3


def register_plugins() -> None:
    import conversion

    for architecture, module_name in PLUGINS.items():
        qualified = f"conversion.gpt4all_{module_name}"
        if qualified not in sys.modules:
            spec = importlib.util.spec_from_file_location(qualified, Path(__file__).with_name(f"{module_name}.py"))
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules[qualified] = module
            spec.loader.exec_module(module)
        conversion.TEXT_MODEL_MAP[architecture] = f"gpt4all_{module_name}"


def fix_ggml_tensor_shapes(module) -> None:
    """convert_llama_ggml_to_gguf.py hands gguf-py each tensor's raw bytes with its shape in
    elements, and the pinned gguf-py reads the shape of a uint8 array as bytes
    (quant_shape_from_byte_shape): every row came out divided by its type's size (float32 norms
    of 32 values as 8). Hand it the byte shape it expects."""
    import gguf

    original = module.GGMLToGGUF.add_tensors

    def add_tensors(self, gguf_writer):
        add_tensor = gguf_writer.add_tensor

        def add_tensor_with_byte_shape(name, tensor, raw_shape=None, raw_dtype=None, **kwargs):
            if raw_shape is not None and raw_dtype is not None:
                block_size, type_size = gguf.GGML_QUANT_SIZES[raw_dtype]
                raw_shape = [*raw_shape[:-1], raw_shape[-1] // block_size * type_size]
            return add_tensor(name, tensor, raw_shape=raw_shape, raw_dtype=raw_dtype, **kwargs)

        gguf_writer.add_tensor = add_tensor_with_byte_shape
        try:
            original(self, gguf_writer)
        finally:
            gguf_writer.add_tensor = add_tensor

    module.GGMLToGGUF.add_tensors = add_tensors


def main() -> None:
    if len(sys.argv) < 3 or sys.argv[2] not in ("hf", "ggml"):
        sys.exit(__doc__)
    converter_dir = Path(sys.argv[1]).resolve()
    kind = sys.argv[2]
    sys.path.insert(0, str(converter_dir))
    sys.path.insert(1, str(converter_dir / "gguf-py"))
    script = "convert_hf_to_gguf" if kind == "hf" else "convert_llama_ggml_to_gguf"
    sys.argv = [str(converter_dir / f"{script}.py"), *sys.argv[3:]]
    if kind == "hf":
        register_plugins()
    module = __import__(script)
    if kind == "ggml":
        fix_ggml_tensor_shapes(module)
    try:
        module.main()
    except NotImplementedError as error:
        # Our modules' refusals, and the converter's own (an unknown BPE pre-tokenizer, ...).
        print(f"{UNSUPPORTED_MARKER}{error}", file=sys.stderr, flush=True)
        sys.exit(UNSUPPORTED_EXIT)


if __name__ == "__main__":
    main()
