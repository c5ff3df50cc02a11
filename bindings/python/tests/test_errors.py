"""Bad input raises exceptions that carry the engine's code; nothing is left half-written."""
import hashlib
import http.server
import json
import shutil
import threading
import time
from pathlib import Path

import pytest

from conftest import load


def test_a_missing_model(tmp_path):
    from gpt4all import GPT4All, ModelNotFoundError

    with pytest.raises(ModelNotFoundError) as caught:
        GPT4All("nothing-here.gguf", model_path=tmp_path, allow_download=False)
    assert caught.value.code == "ERR_MODEL_NOT_FOUND"
    assert isinstance(caught.value, FileNotFoundError)


def test_a_corrupt_and_a_truncated_file(reference, tmp_path):
    from gpt4all import GPT4All, ModelLoadError

    (tmp_path / "garbage.gguf").write_bytes(b"this is no model" * 64)
    with pytest.raises(ModelLoadError) as caught:
        GPT4All("garbage.gguf", model_path=tmp_path, allow_download=False)
    assert caught.value.code == "ERR_NOT_GGUF"
    data = Path(reference["paths"]["llama"]).read_bytes()
    (tmp_path / "half.gguf").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelLoadError) as caught:
        GPT4All("half.gguf", model_path=tmp_path, allow_download=False)
    assert caught.value.code == "ERR_INVALID_GGUF"
    assert "half.gguf" in str(caught.value)


def test_an_rpc_worker_that_is_not_there(reference):
    from gpt4all import RpcUnavailableError

    started = time.monotonic()
    with pytest.raises(RpcUnavailableError) as caught:
        load(reference, "llama", rpc_workers=["127.0.0.1:1"])
    assert caught.value.code == "ERR_RPC_UNAVAILABLE"
    assert "127.0.0.1:1" in str(caught.value) and "refused" in str(caught.value)
    assert isinstance(caught.value, ConnectionError)
    assert time.monotonic() - started < 30


def test_a_prompt_over_the_context(reference):
    from gpt4all import InvalidArgumentError

    model = load(reference, "llama", n_ctx=64)
    with pytest.raises(InvalidArgumentError) as caught:
        model.generate("word " * 200, max_tokens=4, temp=0)
    assert caught.value.code == "ERR_CONTEXT_OVERFLOW"
    assert model.generate("Hello", max_tokens=3, temp=0, repeat_penalty=1.0) != ""
    model.close()


def test_abort_from_another_thread_stops_within_one_token(reference):
    model = load(reference, "llama")
    received = []
    aborted = threading.Event()
    after_abort = []

    def on_token(token, piece):
        received.append(piece)
        if aborted.is_set():
            after_abort.append(piece)
        time.sleep(0.002)
        return True

    def abort_soon():
        while len(received) < 5:
            time.sleep(0.001)
        aborted.set()
        model.abort()

    thread = threading.Thread(target=abort_soon)
    thread.start()
    text = model.generate("Once upon a time", max_tokens=1900, temp=0, callback=on_token)
    thread.join()
    assert len(after_abort) <= 1
    assert 5 <= len(received) < 1900
    assert text == "".join(received)
    assert model.generate("Hello", max_tokens=3, temp=0) != ""
    model.close()


def test_a_closed_model_cannot_generate(reference):
    from gpt4all import Gpt4AllError

    model = load(reference, "llama")
    model.close()
    with pytest.raises(Gpt4AllError) as caught:
        model.generate("Hello", max_tokens=3)
    assert caught.value.code == "ERR_DISPOSED"


def test_a_closed_model_refuses_a_chat_session_before_looking_for_a_template(reference):
    from gpt4all import Gpt4AllError

    model = load(reference, "gpt2")  # has no template: a live model would say so
    model.close()
    with pytest.raises(Gpt4AllError) as caught:
        with model.chat_session():
            pass
    assert caught.value.code == "ERR_DISPOSED"


@pytest.mark.parametrize(
    "options",
    [{"max_tokens": "many"}, {"max_tokens": 10**20}, {"top_k": 10**20}, {"temp": "hot"}, {"repeat_last_n": 2.5j}],
)
def test_values_c_cannot_hold_are_invalid_arguments(reference, options):
    from gpt4all import InvalidArgumentError

    model = load(reference, "llama")
    with pytest.raises(InvalidArgumentError) as caught:
        model.generate("Hello", **options)
    assert caught.value.code == "ERR_INVALID_ARGUMENT"
    assert model.generate("Hello", max_tokens=2, temp=0) != ""  # the model is still usable
    model.close()


def test_bad_context_sizes_are_invalid_arguments(reference):
    from gpt4all import InvalidArgumentError

    for n_ctx in (-5, "big", 2**40):
        with pytest.raises(InvalidArgumentError) as caught:
            load(reference, "llama", n_ctx=n_ctx)
        assert caught.value.code == "ERR_INVALID_ARGUMENT"


def test_a_failed_turn_leaves_the_history_as_it_was(reference):
    from gpt4all import Gpt4AllError

    model = load(reference, "chat", n_ctx=64)
    with model.chat_session(system_message="sys"):
        model.generate("hi", max_tokens=2, temp=0)
        before = model.current_chat_session
        for options in ({"max_tokens": "many"}, {"temp": float("nan")}, {"max_tokens": -2}):
            with pytest.raises(Gpt4AllError):
                model.generate("again", **options)
            assert model.current_chat_session == before
        with pytest.raises(Gpt4AllError) as caught:
            model.generate("word " * 200, max_tokens=2)
        assert caught.value.code == "ERR_CONTEXT_OVERFLOW"
        assert model.current_chat_session == before
        # A stream closed early keeps the turn with the reply produced so far.
        stream = model.generate("more", max_tokens=8, temp=0, streaming=True)
        first = next(stream)
        stream.close()
        assert model.current_chat_session == before + [{"role": "user", "content": "more"}, {"role": "assistant", "content": first}]
    model.close()


def test_embed4all_n_ctx_zero_is_the_default(reference):
    from pathlib import Path

    from gpt4all import Embed4All

    path = Path(reference["paths"]["bert"])
    embedder = Embed4All(path.name, model_path=path.parent, allow_download=False, n_ctx=0, n_threads=2)
    assert 0 < embedder.n_ctx <= 2048
    assert len(embedder.embed("hello world")) > 0
    embedder.close()


def test_a_second_generate_on_one_object_is_context_busy(reference):
    from gpt4all import Gpt4AllError

    model = load(reference, "llama")
    started = threading.Event()
    errors = []

    def on_token(token, piece):
        started.set()
        time.sleep(0.01)
        return True

    def second():
        started.wait()
        try:
            model.generate("Hello", max_tokens=2, temp=0)
        except Gpt4AllError as error:
            errors.append(error.code)
        finally:
            model.abort()

    thread = threading.Thread(target=second)
    thread.start()
    model.generate("Once upon a time", max_tokens=500, temp=0, callback=on_token)
    thread.join()
    assert errors == ["ERR_CONTEXT_BUSY"]
    model.close()


class _Server:
    """A real HTTP server on loopback, serving files from a directory (with range requests)."""

    def __init__(self, root: Path):
        handler = lambda *args: http.server.SimpleHTTPRequestHandler(*args, directory=str(root))  # noqa: E731
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()


def test_download_from_the_catalog_and_a_checksum_mismatch(reference, tmp_path, monkeypatch):
    from gpt4all import DownloadError, GPT4All

    served = tmp_path / "served"
    served.mkdir()
    source = Path(reference["paths"]["llama"])
    shutil.copy(source, served / "tiny.gguf")
    md5 = hashlib.md5(source.read_bytes()).hexdigest()
    server = _Server(served)
    try:
        catalog = [
            {"name": "Tiny", "filename": "tiny.gguf", "url": f"{server.url}/tiny.gguf", "md5sum": md5, "filesize": str(source.stat().st_size)},
            {"name": "Bad", "filename": "bad.gguf", "url": f"{server.url}/tiny.gguf", "md5sum": "0" * 32},
        ]
        (served / "models3.json").write_text(json.dumps(catalog))
        monkeypatch.setenv("GPT4ALL_CATALOG_URL", f"{server.url}/models3.json")
        models = tmp_path / "models"
        assert [m["filename"] for m in GPT4All.list_models()] == ["tiny.gguf", "bad.gguf"]
        model = GPT4All("tiny", model_path=models, n_threads=2)
        assert model.config["name"] == "Tiny"
        assert (models / "tiny.gguf").read_bytes() == source.read_bytes()
        model.close()
        with pytest.raises(DownloadError) as caught:
            GPT4All("bad.gguf", model_path=models)
        assert caught.value.code == "ERR_CHECKSUM_MISMATCH"
        # Nothing half-written is left under either name.
        assert sorted(p.name for p in models.iterdir()) == ["tiny.gguf"]
        with pytest.raises(DownloadError) as caught:
            GPT4All.download_model("missing.gguf", models, url=f"{server.url}/missing.gguf")
        assert caught.value.code == "ERR_DOWNLOAD_HTTP"
        with pytest.raises(DownloadError) as caught:
            GPT4All.download_model("../escape.gguf", models)
        assert caught.value.code == "ERR_UNSAFE_FILENAME"
    finally:
        server.close()
    monkeypatch.setenv("GPT4ALL_CATALOG_URL", "http://127.0.0.1:9/models3.json")
    with pytest.raises(DownloadError) as caught:
        GPT4All.list_models()
    assert caught.value.code == "ERR_CATALOG_UNAVAILABLE"


def test_bad_prompts_are_coded_errors(reference):
    from gpt4all import InvalidArgumentError

    model = load(reference, "llama")
    for prompt in (None, b"bytes", "\ud800"):
        with pytest.raises(InvalidArgumentError) as caught:
            model.generate(prompt, max_tokens=2)
        assert caught.value.code == "ERR_INVALID_ARGUMENT"
    model.close()


def test_close_stops_an_open_stream(reference):
    model = load(reference, "llama")
    stream = model.generate("Once upon a time", max_tokens=1000, temp=0, streaming=True)
    next(stream)
    model.close()
    assert len(list(stream)) < 100


def test_an_old_ggml_file(tmp_path):
    import struct

    from gpt4all import GPT4All, ModelLoadError

    (tmp_path / "ggml-model-q4_0.bin").write_bytes(struct.pack("<II", 0x67676A74, 3) + bytes(64))
    with pytest.raises(ModelLoadError) as caught:
        GPT4All("ggml-model-q4_0.bin", model_path=tmp_path, allow_download=False)
    assert caught.value.code == "ERR_LEGACY_GGML"
    assert "'ggjt' v3" in str(caught.value) and "gpt4all convert" in str(caught.value)
