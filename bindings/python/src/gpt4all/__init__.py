"""GPT4All for Python: a drop-in for GPT4All's Python SDK (`GPT4All`, `Embed4All`), running on
the engine of the @gpt4all packages through its C ABI (libgpt4all)."""
from .errors import DownloadError, Gpt4AllError, InvalidArgumentError, ModelLoadError, ModelNotFoundError, RpcUnavailableError, SchemaError, TemplateError
from .gpt4all import GPT4All, Embed4All

__all__ = ["GPT4All", "Embed4All", "Gpt4AllError", "ModelNotFoundError", "ModelLoadError", "InvalidArgumentError", "DownloadError", "SchemaError", "TemplateError"]
