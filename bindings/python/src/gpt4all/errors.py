"""Errors carry the engine's stable code (`ERR_...`, the same as @gpt4all/core's) as `.code`.
They also subclass the built-in exception that GPT4All's own SDK raised in the same case, so
`except FileNotFoundError` or `except ValueError` in existing programs keeps working."""
from __future__ import annotations


class Gpt4AllError(RuntimeError):
    """Base of every error of this package. Branch on `.code`; messages may change."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class ModelNotFoundError(Gpt4AllError, FileNotFoundError):
    """ERR_MODEL_NOT_FOUND: the model file does not exist (and could not be downloaded)."""


class ModelLoadError(Gpt4AllError):
    """The file is not a model that loads: ERR_NOT_GGUF, ERR_INVALID_GGUF, ERR_UNSUPPORTED_ARCH, ..."""


class InvalidArgumentError(Gpt4AllError, ValueError):
    """ERR_INVALID_ARGUMENT and ERR_CONTEXT_OVERFLOW: a value the engine cannot use."""


class DownloadError(Gpt4AllError):
    """A model or the catalog could not be downloaded, or a download failed its checksum:
    ERR_DOWNLOAD_HTTP, ERR_DOWNLOAD_NETWORK, ERR_CHECKSUM_MISMATCH, ERR_CATALOG_UNAVAILABLE (the
    codes of @gpt4all/download)."""


class TemplateError(Gpt4AllError, ValueError):
    """A chat template that jinja2 cannot compile (ERR_TEMPLATE_SYNTAX, with `.line`) or render
    (ERR_TEMPLATE_RENDER, or ERR_TEMPLATE_RAISED for the template's own raise_exception()): the
    codes of @gpt4all/templates. The jinja2 exception is the `__cause__`."""

    def __init__(self, code: str, message: str, line: "int | None" = None):
        super().__init__(code, message)
        self.line = line


class SchemaError(Gpt4AllError, ValueError):
    """A JSON schema that cannot constrain output: ERR_SCHEMA_INVALID (not a schema) or
    ERR_SCHEMA_UNSUPPORTED (a keyword the grammar cannot enforce, named in the message); and
    ERR_GRAMMAR_INVALID, GBNF that does not parse (the message gives its line and column)."""


class RpcUnavailableError(Gpt4AllError, ConnectionError):
    """ERR_RPC_UNAVAILABLE: an RPC worker holding part of the model's layers (`rpc_workers`)
    refused the connection, stopped answering, or speaks another protocol version."""


_BY_CODE = {
    "ERR_MODEL_NOT_FOUND": ModelNotFoundError,
    "ERR_NOT_GGUF": ModelLoadError,
    "ERR_INVALID_GGUF": ModelLoadError,
    "ERR_UNSUPPORTED_ARCH": ModelLoadError,
    "ERR_MODEL_LOAD": ModelLoadError,
    "ERR_VOCAB_ONLY": ModelLoadError,
    "ERR_LEGACY_GGML": ModelLoadError,
    "ERR_INVALID_ARGUMENT": InvalidArgumentError,
    "ERR_CONTEXT_OVERFLOW": InvalidArgumentError,
    "ERR_SCHEMA_INVALID": SchemaError,
    "ERR_SCHEMA_UNSUPPORTED": SchemaError,
    "ERR_GRAMMAR_INVALID": SchemaError,
    "ERR_DOWNLOAD_HTTP": DownloadError,
    "ERR_DOWNLOAD_NETWORK": DownloadError,
    "ERR_CHECKSUM_MISMATCH": DownloadError,
    "ERR_CATALOG_UNAVAILABLE": DownloadError,
    "ERR_RPC_UNAVAILABLE": RpcUnavailableError,
}


def error_for(code: str, message: str) -> Gpt4AllError:
    """The typed error for an engine code."""
    return _BY_CODE.get(code, Gpt4AllError)(code, message)
