"""Test models and what @gpt4all/core makes of them (tests/node_reference.mjs), built once per run."""
import json
import subprocess
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

MODELS = {
    "llama": {"architecture": "llama", "vocab": "llama-spm", "seed": 11},
    "qwen2": {"architecture": "qwen2", "vocab": "qwen2", "seed": 13},
    "gpt2": {"architecture": "gpt2", "vocab": "gpt-2", "seed": 15},
    "chat": {"architecture": "qwen2", "vocab": "qwen2", "seed": 21, "chatTemplate": "Qwen-Qwen2.5-7B-Instruct"},
    "bert": {"architecture": "bert", "seed": 5},
}
PROMPTS = ["The quick brown fox", "Once upon a time, in a land far away,", "Ünïcödé: 日本語と🦙"]
MAX_TOKENS = 24
GENERATE = [{"model": m, "prompt": p, "maxTokens": MAX_TOKENS} for m in ("llama", "qwen2", "gpt2") for p in PROMPTS]
EMBED_TEXTS = ["The capital of France is Paris.", "Le chat est sur la table.", "embeddings 123"]
EMBED = [{"model": "bert", "texts": EMBED_TEXTS}, {"model": "llama", "texts": EMBED_TEXTS}]


@pytest.fixture(scope="session")
def reference():
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"models": MODELS, "generate": GENERATE, "embed": EMBED}, f)
    out = subprocess.run(["node", str(HERE / "node_reference.mjs"), f.name], check=True, capture_output=True, text=True, cwd=HERE.parent)
    Path(f.name).unlink()
    return json.loads(out.stdout)


def load(reference, key, **kwargs):
    """GPT4All over a test model, found by file name in its directory (no download)."""
    from gpt4all import GPT4All

    path = Path(reference["paths"][key])
    kwargs.setdefault("n_threads", 2)
    return GPT4All(path.name, model_path=path.parent, allow_download=False, **kwargs)
