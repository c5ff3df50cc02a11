"""GPT4All and Embed4All: the API of GPT4All's Python SDK (gpt4all 2.x), on libgpt4all."""
from __future__ import annotations

import copy
import hashlib
import json
import os
import queue
import re
import threading
import urllib.error
import urllib.request
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Literal, Optional, Union

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from . import _native
from .errors import DownloadError, Gpt4AllError, InvalidArgumentError, ModelNotFoundError, TemplateError, error_for

#: Where models are looked for and downloaded to, as GPT4All's SDK does.
DEFAULT_MODEL_DIRECTORY = Path.home() / ".cache" / "gpt4all"
#: GPT4All's model catalog; GPT4ALL_CATALOG_URL names another (a mirror, a test server).
CATALOG_URL = "https://gpt4all.io/models/models3.json"
DEFAULT_EMBEDDING_MODEL = "all-MiniLM-L6-v2.gguf2.f16.gguf"

MessageType = Dict[str, str]
ConfigType = Dict[str, Any]
ResponseCallbackType = Callable[[int, str], bool]

# Chat templates render as GPT4All renders them: jinja2, sandboxed, trimmed blocks.
_jinja_env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
_jinja_env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)


def _raise_exception(message: str) -> None:
    raise TemplateError("ERR_TEMPLATE_RAISED", str(message))


_jinja_env.globals["raise_exception"] = _raise_exception


def _compile_template(source: str) -> jinja2.Template:
    """The chat template, or TemplateError (ERR_TEMPLATE_SYNTAX, with the line) if jinja2 cannot parse it."""
    try:
        return _jinja_env.from_string(source)
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError("ERR_TEMPLATE_SYNTAX", f"the chat template does not parse: {error.message} (line {error.lineno})", error.lineno) from error


def _render_template(template: jinja2.Template, **variables) -> str:
    """Renders a chat template; what fails inside it is TemplateError (ERR_TEMPLATE_RENDER)."""
    try:
        return template.render(**variables)
    except Gpt4AllError:
        raise
    except Exception as error:  # anything the template's own code raised: jinja2's errors, TypeError, ...
        raise TemplateError("ERR_TEMPLATE_RENDER", f"the chat template failed: {type(error).__name__}: {error}") from error


def empty_response_callback(token_id: int, response: str) -> bool:
    return True


class _ChatSession:
    def __init__(self, template, history: List[MessageType]):
        self.template = template
        self.history = history


class GPT4All:
    """A local language model, from a GGUF file.

    `model_name` is a file name in `model_path` (default ~/.cache/gpt4all), downloaded from
    GPT4All's catalog when missing and `allow_download` is true. Errors carry `.code`:
    ModelNotFoundError (ERR_MODEL_NOT_FOUND, also a FileNotFoundError), ModelLoadError
    (ERR_NOT_GGUF, ERR_INVALID_GGUF, ...), DownloadError.
    """

    def __init__(
        self,
        model_name: str,
        *,
        model_path: Optional[Union[str, os.PathLike]] = None,
        model_type: Optional[str] = None,
        allow_download: bool = True,
        n_threads: Optional[int] = None,
        device: Optional[str] = None,
        n_ctx: int = _native.DEFAULTS.n_ctx,
        ngl: int = 100,
        verbose: bool = False,
        rpc_workers: Optional[List[str]] = None,
    ):
        """`rpc_workers`: RPC workers ("host:port", each started with `gpt4all rpc-worker`) that hold
        part of the layers (llama.cpp's RPC backend, no authentication: trusted networks or SSH
        tunnels only); RpcUnavailableError (ERR_RPC_UNAVAILABLE) when one cannot be used."""
        if device not in (None, "cpu"):
            raise InvalidArgumentError(
                "ERR_INVALID_ARGUMENT", f"device {device!r} is not available: this build runs on the CPU (device='cpu')"
            )
        self.model_type = model_type
        self.config: ConfigType = self.retrieve_model(model_name, model_path=model_path, allow_download=allow_download, verbose=verbose)
        self.model = _native.Model(self.config["path"], rpc_workers=rpc_workers)
        try:
            self._context = _native.Context(self.model, n_ctx=n_ctx, n_threads=n_threads)
        except BaseException:
            self.model.close()
            raise
        self._chat_session: Optional[_ChatSession] = None

    # -- models ------------------------------------------------------------------------------

    @staticmethod
    def list_models() -> List[ConfigType]:
        """GPT4All's model catalog (a list of dicts with `filename`, `url`, `md5sum`, ...).
        Raises DownloadError (ERR_CATALOG_UNAVAILABLE) when it cannot be fetched."""
        url = os.environ.get("GPT4ALL_CATALOG_URL", CATALOG_URL)
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                catalog = json.load(response)
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise DownloadError("ERR_CATALOG_UNAVAILABLE", f"the model catalog {url} cannot be fetched: {error}") from error
        if not isinstance(catalog, list):
            raise DownloadError("ERR_CATALOG_UNAVAILABLE", f"the model catalog {url} is not a list of models")
        return catalog

    @classmethod
    def retrieve_model(
        cls,
        model_name: str,
        model_path: Optional[Union[str, os.PathLike]] = None,
        allow_download: bool = True,
        verbose: bool = False,
    ) -> ConfigType:
        """Finds (or downloads) the model file; returns its config, with `path` set."""
        # A `.bin` name is kept as given: an old GGML file then gets ERR_LEGACY_GGML, not "not found".
        filename = model_name if model_name.endswith((".gguf", ".bin")) else f"{model_name}.gguf"
        config: ConfigType = {"filename": filename}
        if allow_download:
            for entry in cls.list_models():
                if entry.get("filename") == filename:
                    config.update(entry)
                    break
        directory = Path(model_path) if model_path is not None else DEFAULT_MODEL_DIRECTORY
        destination = directory / filename
        if destination.exists():
            config["path"] = str(destination)
        elif allow_download:
            directory.mkdir(parents=True, exist_ok=True)
            config["path"] = cls.download_model(
                filename,
                directory,
                verbose=verbose,
                url=config.get("url"),
                expected_size=int(config["filesize"]) if "filesize" in config else None,
                expected_md5=config.get("md5sum"),
            )
        else:
            raise ModelNotFoundError("ERR_MODEL_NOT_FOUND", f"Model file does not exist: {str(destination)!r}")
        return config

    @staticmethod
    def download_model(
        model_filename: str,
        model_path: Union[str, os.PathLike],
        verbose: bool = True,
        url: Optional[str] = None,
        expected_size: Optional[int] = None,
        expected_md5: Optional[str] = None,
    ) -> str:
        """Downloads a model into `model_path` and returns its path. The file is written to
        `<name>.part` (resumed with an HTTP range request if one is there), checked against
        `expected_size` and `expected_md5`, and renamed only when complete, so a broken
        download never leaves a file under the model's name. Raises DownloadError."""
        if not re.fullmatch(r"[^/\\\0]+", model_filename) or model_filename in (".", ".."):
            raise DownloadError("ERR_UNSAFE_FILENAME", f"{model_filename!r} is not a plain file name")
        url = url or f"https://gpt4all.io/models/gguf/{model_filename}"
        destination = Path(model_path) / model_filename
        part = destination.with_name(destination.name + ".part")
        offset = part.stat().st_size if part.exists() else 0
        request = urllib.request.Request(url, headers={"Range": f"bytes={offset}-"} if offset else {})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                if offset and response.status != 206:
                    offset = 0  # the server ignored the range: start over
                with open(part, "ab" if offset else "wb") as out:
                    while chunk := response.read(1 << 20):
                        out.write(chunk)
        except urllib.error.HTTPError as error:
            raise DownloadError("ERR_DOWNLOAD_HTTP", f"{url}: HTTP {error.code}") from error
        except (urllib.error.URLError, OSError) as error:
            raise DownloadError("ERR_DOWNLOAD_NETWORK", f"{url}: {error} (the partial file {part} is kept for resuming)") from error
        size = part.stat().st_size
        if expected_size is not None and size != expected_size:
            part.unlink()
            raise DownloadError("ERR_CHECKSUM_MISMATCH", f"{url}: {size} bytes, expected {expected_size}")
        if expected_md5 is not None:
            digest = hashlib.md5()
            with open(part, "rb") as f:
                while chunk := f.read(1 << 20):
                    digest.update(chunk)
            if digest.hexdigest() != expected_md5.lower():
                part.unlink()
                raise DownloadError("ERR_CHECKSUM_MISMATCH", f"{url}: MD5 {digest.hexdigest()}, expected {expected_md5}")
        os.replace(part, destination)
        if verbose:
            print(f"Downloaded {destination} ({size} bytes)")
        return str(destination)

    # -- generation --------------------------------------------------------------------------

    def generate(
        self,
        prompt: str,
        *,
        max_tokens: int = _native.DEFAULTS.max_tokens,
        temp: float = _native.DEFAULTS.temperature,
        top_k: int = _native.DEFAULTS.top_k,
        top_p: float = _native.DEFAULTS.top_p,
        min_p: float = _native.DEFAULTS.min_p,
        repeat_penalty: float = _native.DEFAULTS.repeat_penalty,
        repeat_last_n: int = _native.DEFAULTS.repeat_last_n,
        n_batch: int = 8,
        n_predict: Optional[int] = None,
        streaming: bool = False,
        callback: ResponseCallbackType = empty_response_callback,
        grammar: Optional[str] = None,
        json_schema: Optional[Union[dict, str]] = None,
    ) -> Union[str, Iterable[str]]:
        """Generates a response to `prompt`: the text, or with `streaming=True` an iterator of
        pieces. Inside chat_session() the prompt is the user's message, rendered with the
        session's history through its chat template, and the response joins the history.
        `callback(token_id, piece)` returning False stops generation. `n_batch` is accepted
        for compatibility (the engine batches the prompt itself). temp <= 0 is greedy.
        `grammar` (GBNF text) or `json_schema` (a JSON Schema, dict or JSON text) constrain the
        response with llama.cpp's grammar sampler; a schema keyword the grammar cannot enforce
        raises SchemaError naming it."""
        if not isinstance(prompt, str):
            raise InvalidArgumentError("ERR_INVALID_ARGUMENT", f"the prompt must be a str, not {type(prompt).__name__}")
        if n_predict is not None:
            max_tokens = n_predict
        session = self._chat_session
        if session is not None:
            user = {"role": "user", "content": prompt}
            rendered = _render_template(session.template, messages=session.history + [user], add_generation_prompt=True, **self._special_tokens())
            tokens = self.model.tokenize(rendered, add_special=False, parse_special=True)
        else:
            tokens = self.model.tokenize(prompt, add_special=True, parse_special=True)
        sampling = dict(
            max_tokens=max_tokens,
            temperature=temp,
            top_k=top_k,
            top_p=top_p,
            min_p=min_p,
            repeat_penalty=repeat_penalty,
            repeat_last_n=repeat_last_n,
            grammar=grammar,
            json_schema=json_schema if json_schema is None or isinstance(json_schema, str) else json.dumps(json_schema),
        )

        def finish(text: str) -> None:
            # The turn joins the history only once it produced a reply: a call that fails
            # (bad options, a prompt over the context) leaves the history as it was.
            if session is not None:
                session.history += [user, {"role": "assistant", "content": text}]

        if streaming:
            return self._stream(tokens, sampling, callback, finish)
        pieces: List[str] = []

        def on_text(token: int, text: str) -> bool:
            pieces.append(text)
            return token < 0 or callback(token, text) is not False

        self._context.generate(tokens, on_text, **sampling)
        text = "".join(pieces)
        finish(text)
        return text

    def _stream(self, tokens, sampling, callback, finish) -> Iterator[str]:
        pieces: "queue.Queue[Any]" = queue.Queue()
        done = object()
        failure: List[BaseException] = []

        def on_text(token: int, text: str) -> bool:
            pieces.put(text)
            return token < 0 or callback(token, text) is not False

        def run() -> None:
            try:
                self._context.generate(tokens, on_text, **sampling)
            except BaseException as error:
                failure.append(error)
            finally:
                pieces.put(done)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        text: List[str] = []
        try:
            while (piece := pieces.get()) is not done:
                text.append(piece)
                yield piece
        finally:
            # The consumer stopped early (or finished): end the generation and wait for it. The
            # turn keeps the reply produced so far, as an aborted generate() does.
            self._context.abort()
            thread.join()
            if not failure:
                finish("".join(text))
        if failure:
            raise failure[0]

    def abort(self) -> None:
        """Stops the generation in progress within one token, from any thread."""
        self._context.abort()

    # -- chat ------------------------------------------------------------------------------------

    @contextmanager
    def chat_session(self, system_message: Union[str, Literal[False], None] = None, chat_template: Optional[str] = None):
        """A multi-turn conversation: each generate() inside adds the user's message and the
        response to the history, and the KV cache is reused, so a turn only evaluates its new
        tokens. The template is `chat_template`, the catalog's, or else the model file's own
        (tokenizer.chat_template); `system_message` defaults to the catalog's (False: none)."""
        self.model.handle  # ERR_DISPOSED once close() was called, before anything else is checked
        if self._chat_session is not None:
            raise InvalidArgumentError("ERR_INVALID_ARGUMENT", "a chat session is already open on this model: close it first")
        if system_message is None:
            system_message = self.config.get("systemMessage", False)
        if chat_template is None:
            chat_template = self.config.get("chatTemplate") or self.model.chat_template
            if chat_template is None:
                name = self.config.get("name", self.config["filename"])
                raise InvalidArgumentError("ERR_INVALID_ARGUMENT", f"the model {name!r} has no chat template: pass chat_template=")
        history: List[MessageType] = []
        if system_message is not False:
            history.append({"role": "system", "content": system_message})
        self._chat_session = _ChatSession(_compile_template(chat_template), history)
        try:
            yield self
        finally:
            self._chat_session = None

    @property
    def current_chat_session(self) -> List[MessageType]:
        """The messages of the session in progress (a copy; empty outside a session)."""
        return [] if self._chat_session is None else copy.deepcopy(self._chat_session.history)

    @current_chat_session.setter
    def current_chat_session(self, history: List[MessageType]) -> None:
        if self._chat_session is None:
            raise InvalidArgumentError("ERR_INVALID_ARGUMENT", "current_chat_session can only be set inside chat_session()")
        self._chat_session.history[:] = copy.deepcopy(history)

    def _special_tokens(self) -> Dict[str, str]:
        return {"bos_token": self.model.bos_token or "", "eos_token": self.model.eos_token or ""}

    # -- lifetime ----------------------------------------------------------------------------

    @property
    def backend(self) -> str:
        return "cpu"

    @property
    def device(self) -> Optional[str]:
        return None

    def close(self) -> None:
        """Ends a generation in progress (an open stream stops), then frees the context and the
        model; the object cannot generate afterwards."""
        self._context.abort()
        self._context.close()
        self.model.close()

    def __enter__(self) -> "GPT4All":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Embed4All:
    """Sentence embeddings with a GGUF embedding model (default: all-MiniLM-L6-v2)."""

    def __init__(self, model_name: Optional[str] = None, *, n_threads: Optional[int] = None, device: Optional[str] = None, **kwargs):
        kwargs.setdefault("n_ctx", _native.DEFAULTS.n_ctx)
        n_ctx = kwargs.pop("n_ctx")
        if device not in (None, "cpu"):
            raise InvalidArgumentError("ERR_INVALID_ARGUMENT", f"device {device!r} is not available: this build runs on the CPU")
        self.config = GPT4All.retrieve_model(model_name or DEFAULT_EMBEDDING_MODEL, **kwargs)
        self.model = _native.Model(self.config["path"])
        # 0 asks for the default, as in the C ABI; never above what the model was trained on. Other
        # values (negative, not an int) go to the library, which refuses them.
        if isinstance(n_ctx, int) and n_ctx >= 0:
            n_ctx = min(n_ctx or _native.DEFAULTS.n_ctx, self.model.context_length or _native.DEFAULTS.n_ctx)
        self._context = _native.Context(self.model, n_ctx=n_ctx, n_threads=n_threads, embeddings=True)
        self.n_ctx = n_ctx

    def embed(
        self,
        text: Union[str, List[str]],
        *,
        prefix: Optional[str] = None,
        dimensionality: Optional[int] = None,
        long_text_mode: str = "mean",
        return_dict: bool = False,
        atlas: bool = False,
        cancel_cb: Optional[Callable[[List[int], str], bool]] = None,
    ) -> Any:
        """Embeds a text (a list of floats) or a list of texts (a list of lists), L2-normalized.
        `prefix` is prepended ("search_query: " for Nomic models). `dimensionality` truncates
        each vector (Matryoshka models) and normalizes it again. Texts longer than the context
        are split and the parts averaged (`long_text_mode='mean'`) or cut (`'truncate'`)."""
        if long_text_mode not in ("mean", "truncate"):
            raise InvalidArgumentError("ERR_INVALID_ARGUMENT", f"long_text_mode must be 'mean' or 'truncate', not {long_text_mode!r}")
        if dimensionality is not None and not 0 < dimensionality <= self.model.embedding_length:
            raise InvalidArgumentError("ERR_INVALID_ARGUMENT", f"dimensionality must be between 1 and {self.model.embedding_length}")
        texts = [text] if isinstance(text, str) else list(text)
        vectors: List[List[float]] = []
        n_tokens = 0
        for t in texts:
            # Asked before each text, as GPT4All's SDK asks before each batch: (batch sizes, backend).
            if cancel_cb is not None and cancel_cb([1], "cpu"):
                raise error_for("ERR_ABORTED", "cancelled by cancel_cb")
            vector, used = self._embed_one((prefix or "") + t, long_text_mode, dimensionality)
            vectors.append(vector)
            n_tokens += used
        result: Any = vectors[0] if isinstance(text, str) else vectors
        if return_dict:
            return {"embeddings": result, "n_prompt_tokens": n_tokens}
        return result

    def _embed_one(self, text: str, long_text_mode: str, dimensionality: Optional[int]) -> "tuple[List[float], int]":
        """The text's vector, and how many tokens it has."""
        tokens = self.model.tokenize(text, add_special=True, parse_special=False)
        limit = self.n_ctx
        if len(tokens) <= limit:
            vector = self._context.embed(tokens, normalize=True)
        elif long_text_mode == "truncate":
            vector = self._context.embed(tokens[:limit], normalize=True)
        else:
            parts = [tokens[i : i + limit] for i in range(0, len(tokens), limit)]
            sums = [0.0] * self.model.embedding_length
            for part in parts:
                for i, v in enumerate(self._context.embed(part, normalize=False)):
                    sums[i] += v * len(part)
            vector = _normalized(sums)
        if dimensionality is not None:
            vector = _normalized(vector[:dimensionality])
        return vector, len(tokens)

    def close(self) -> None:
        self._context.close()
        self.model.close()


def _normalized(vector: List[float]) -> List[float]:
    norm = sum(v * v for v in vector) ** 0.5
    return [v / norm for v in vector] if norm > 0 else vector
