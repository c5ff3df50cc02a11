"""The engine through its C ABI (libgpt4all, declared by gpt4all.h), with cffi.

The declarations are the generated header itself (preprocessed at build time into
gpt4all_cdef.h), so struct layouts, statuses and defaults come from the Rust core: the status
codes (`ERR_...`) and the option defaults are asked of the library at run time, never copied.
cffi releases the GIL during every call, so another thread can abort a running generation.
"""
from __future__ import annotations

import struct
import sys
from types import SimpleNamespace
from pathlib import Path
from typing import Callable, List, Optional

from cffi import FFI

from .errors import error_for

_HERE = Path(__file__).resolve().parent
_LIBRARY = {"win32": "gpt4all.dll", "darwin": "libgpt4all.dylib"}.get(sys.platform, "libgpt4all.so")

ffi = FFI()
ffi.cdef((_HERE / "gpt4all_cdef.h").read_text())
lib = ffi.dlopen(str(_HERE / "_native" / _LIBRARY))


def _f32(value: float) -> float:
    """The shortest decimal that is the same C float: 0.7, not 0.699999988079071."""
    for digits in range(6, 10):
        short = float(f"{value:.{digits}g}")
        if struct.pack("f", short) == struct.pack("f", value):
            return short
    return value


def _defaults() -> SimpleNamespace:
    """The engine's defaults (crates/core/src/defaults.rs), from the option structs' _default()."""
    generate = lib.gpt4all_generate_options_default()
    context = lib.gpt4all_context_options_default()
    return SimpleNamespace(
        n_ctx=context.context_size,
        max_tokens=generate.max_tokens,
        temperature=_f32(generate.temperature),
        top_k=generate.top_k,
        top_p=_f32(generate.top_p),
        min_p=_f32(generate.min_p),
        repeat_penalty=_f32(generate.repeat_penalty),
        repeat_last_n=generate.repeat_last_n,
    )


DEFAULTS = _defaults()
"""What an option left out means: GPT4All's defaults, as the Rust core defines them."""


def check(status: int) -> None:
    """Raises the typed error for a failed call (its code and the library's message)."""
    if status != lib.GPT4ALL_STATUS_OK:
        code = ffi.string(lib.gpt4all_status_code(status)).decode()
        message = ffi.string(lib.gpt4all_last_error_message()).decode("utf-8", "replace")
        raise error_for(code, message)


def _set(options, field: str, value) -> None:
    """Sets an option struct's field; a value C cannot hold (a str, 10**20, -1 for an unsigned
    field) is ERR_INVALID_ARGUMENT, not cffi's TypeError or OverflowError."""
    try:
        setattr(options, field, value)
    except (TypeError, OverflowError) as error:
        raise error_for("ERR_INVALID_ARGUMENT", f"{field} = {value!r} is not a valid value: {error}") from None


def _string(pointer) -> Optional[str]:
    return None if pointer == ffi.NULL else ffi.string(pointer).decode("utf-8", "replace")


class Model:
    """A loaded GGUF model (gpt4all_model)."""

    def __init__(self, path: str, vocab_only: bool = False, rpc_workers: Optional[List[str]] = None):
        options = lib.gpt4all_model_options_default()
        options.vocab_only = vocab_only
        workers = ffi.new("char[]", ",".join(rpc_workers).encode()) if rpc_workers else ffi.NULL
        options.rpc_workers = workers
        handle = ffi.new("gpt4all_model **")
        check(lib.gpt4all_model_load(str(path).encode(), ffi.addressof(options), handle))
        self._handle = handle[0]
        info = ffi.new("gpt4all_model_info *")
        info.struct_size = ffi.sizeof("gpt4all_model_info")
        check(lib.gpt4all_model_get_info(self._handle, info))
        self.architecture = _string(info.architecture)
        self.name = _string(info.name)
        self.quantization = _string(info.quantization)
        self.chat_template = _string(info.chat_template)
        self.bos_token = _string(info.bos_token)
        self.eos_token = _string(info.eos_token)
        self.context_length = info.context_length
        self.embedding_length = info.embedding_length
        self.vocab_size = info.vocab_size

    def tokenize(self, text: str, add_special: bool = True, parse_special: bool = False) -> List[int]:
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError as error:  # lone surrogates
            raise error_for("ERR_INVALID_ARGUMENT", f"the text is not valid Unicode: {error}") from error
        needed = ffi.new("size_t *")
        capacity = len(data) + 8
        while True:
            tokens = ffi.new("int32_t[]", capacity)
            status = lib.gpt4all_tokenize(self.handle, data, len(data), add_special, parse_special, tokens, capacity, needed)
            if status != lib.GPT4ALL_STATUS_BUFFER_TOO_SMALL:
                check(status)
                return list(tokens[0 : needed[0]])
            capacity = needed[0]

    def detokenize(self, tokens: List[int], special: bool = False) -> str:
        ids = ffi.new("int32_t[]", tokens)
        length = ffi.new("size_t *")
        capacity = 4 * len(tokens) + 16
        while True:
            text = ffi.new("char[]", capacity)
            status = lib.gpt4all_detokenize(self.handle, ids, len(tokens), special, text, capacity, length)
            if status != lib.GPT4ALL_STATUS_BUFFER_TOO_SMALL:
                check(status)
                return ffi.unpack(text, length[0]).decode("utf-8", "replace")
            capacity = length[0] + 1

    def close(self) -> None:
        if self._handle is not None:
            check(lib.gpt4all_model_free(self._handle))
            self._handle = None

    @property
    def handle(self):
        if self._handle is None:
            raise error_for("ERR_DISPOSED", "the model has been closed")
        return self._handle


class Context:
    """A KV cache over a model (gpt4all_context): one call at a time, abortable from any thread."""

    def __init__(
        self,
        model: Model,
        n_ctx: int = 0,
        n_threads: Optional[int] = None,
        embeddings: bool = False,
        kv_cache_type: Optional[str] = None,
        flash_attention: Optional[bool] = None,
    ):
        """kv_cache_type: the KV cache's number format by llama.cpp's name ("f16", the default;
        "q8_0"; "f32"). flash_attention: on or off; None lets llama.cpp decide."""
        options = lib.gpt4all_context_options_default()
        _set(options, "context_size", n_ctx)
        _set(options, "threads", n_threads or 0)
        options.embeddings = bool(embeddings)
        kv_type = ffi.new("char[]", kv_cache_type.encode()) if kv_cache_type is not None else ffi.NULL
        options.kv_cache_type = kv_type
        if flash_attention is not None:
            options.flash_attention = 1 if flash_attention else 0
        handle = ffi.new("gpt4all_context **")
        check(lib.gpt4all_context_create(model.handle, ffi.addressof(options), handle))
        self._handle = handle[0]
        self.n_ctx = n_ctx or model.context_length
        self.embedding_length = model.embedding_length
        self.vocab_size = model.vocab_size

    def generate(
        self,
        prompt: List[int],
        on_text: Callable[[int, str], bool],
        max_tokens: int = -1,
        temperature: Optional[float] = None,
        top_k: Optional[int] = None,
        top_p: Optional[float] = None,
        min_p: Optional[float] = None,
        repeat_penalty: Optional[float] = None,
        repeat_last_n: Optional[int] = None,
        stop: Optional[List[str]] = None,
        grammar: Optional[str] = None,
        json_schema: Optional[str] = None,
    ) -> dict:
        """Generates from the token ids `prompt`; `on_text(token, text)` gets each piece of text
        and returns False to stop. Options left None keep the library's defaults. `grammar`
        (GBNF) or `json_schema` (JSON text) constrain the output."""
        options = lib.gpt4all_generate_options_default()
        _set(options, "max_tokens", max_tokens)
        for field, value in (
            ("temperature", temperature),
            ("top_k", top_k),
            ("top_p", top_p),
            ("min_p", min_p),
            ("repeat_penalty", repeat_penalty),
            ("repeat_last_n", repeat_last_n),
        ):
            if value is not None:
                _set(options, field, value)
        keep = []
        if stop:
            keep = [ffi.new("char[]", s.encode("utf-8")) for s in stop]
            strings = ffi.new("const char *[]", keep)
            keep.append(strings)
            options.stop = strings
            options.n_stop = len(stop)
        for field, text in (("grammar", grammar), ("json_schema", json_schema)):
            if text is not None:
                keep.append(ffi.new("char[]", text.encode("utf-8")))
                setattr(options, field, keep[-1])
        failure: List[BaseException] = []

        def on_token(text, length, token, _user_data):
            try:
                return bool(on_text(token, ffi.unpack(text, length).decode("utf-8", "replace")))
            except BaseException as error:  # raised again below, after the engine returns
                failure.append(error)
                return False

        callback = ffi.callback("gpt4all_token_callback", on_token)
        options.on_token = callback
        result = ffi.new("gpt4all_generation *")
        result.struct_size = ffi.sizeof("gpt4all_generation")
        ids = ffi.new("int32_t[]", prompt)
        check(lib.gpt4all_generate(self.handle, ids, len(prompt), ffi.addressof(options), result))
        if failure:
            raise failure[0]
        return {
            "finish_reason": int(result.finish_reason),
            "prompt_tokens": result.prompt_tokens,
            "cached_tokens": result.cached_tokens,
            "completion_tokens": result.completion_tokens,
        }

    def embed(self, tokens: List[int], normalize: bool = True) -> List[float]:
        out = ffi.new("float[]", self.embedding_length)
        dimensions = ffi.new("size_t *")
        ids = ffi.new("int32_t[]", tokens)
        check(lib.gpt4all_embed(self.handle, ids, len(tokens), normalize, out, self.embedding_length, dimensions))
        return list(out[0 : dimensions[0]])

    def logits(self, tokens: List[int]) -> List[float]:
        """Evaluates `tokens` (reusing the cached prefix) and returns the raw next-token scores after
        the last one: one per vocabulary entry, by token id, before any sampler (gpt4all_logits)."""
        out = ffi.new("float[]", self.vocab_size)
        n_vocab = ffi.new("size_t *")
        ids = ffi.new("int32_t[]", tokens)
        check(lib.gpt4all_logits(self.handle, ids, len(tokens), out, self.vocab_size, n_vocab))
        return list(out[0 : n_vocab[0]])

    def abort(self) -> None:
        """Stops the call running on this context within one token; any thread."""
        if self._handle is not None:
            check(lib.gpt4all_context_abort(self._handle))

    def close(self) -> None:
        if self._handle is not None:
            check(lib.gpt4all_context_free(self._handle))
            self._handle = None

    @property
    def handle(self):
        if self._handle is None:
            raise error_for("ERR_DISPOSED", "the context has been closed")
        return self._handle


FINISH_ABORT = lib.GPT4ALL_FINISH_REASON_ABORT
