"""Embed4All equals @gpt4all/core's embeddings within 1e-6."""
import math

import pytest

from conftest import EMBED, EMBED_TEXTS


def embedder(reference, key):
    from gpt4all import Embed4All
    from pathlib import Path

    path = Path(reference["paths"][key])
    return Embed4All(path.name, model_path=path.parent, allow_download=False, n_threads=2)


@pytest.mark.parametrize("case", range(len(EMBED)), ids=[e["model"] for e in EMBED])
def test_embeddings_equal_node(reference, case):
    model = embedder(reference, EMBED[case]["model"])
    vectors = model.embed(EMBED_TEXTS)
    expected = reference["embeddings"][case]
    assert len(vectors) == len(expected)
    for ours, theirs in zip(vectors, expected):
        assert len(ours) == len(theirs)
        assert max(abs(a - b) for a, b in zip(ours, theirs)) < 1e-6
    # One text gives one vector, unit length.
    single = model.embed(EMBED_TEXTS[0])
    assert single == vectors[0]
    assert math.isclose(sum(v * v for v in single), 1.0, rel_tol=1e-5)
    model.close()


def test_dimensionality_and_long_texts(reference):
    from gpt4all import InvalidArgumentError

    model = embedder(reference, "bert")
    full = model.embed("Paris is the capital of France.")
    short = model.embed("Paris is the capital of France.", dimensionality=16)
    assert len(short) == 16
    assert math.isclose(sum(v * v for v in short), 1.0, rel_tol=1e-5)
    norm = math.sqrt(sum(v * v for v in full[:16]))
    assert max(abs(a - b / norm) for a, b in zip(short, full[:16])) < 1e-6
    long_text = "word " * (model.n_ctx * 2)
    assert len(model.embed(long_text)) == len(full)
    assert len(model.embed(long_text, long_text_mode="truncate")) == len(full)
    with pytest.raises(InvalidArgumentError):
        model.embed("x", long_text_mode="sideways")
    with pytest.raises(InvalidArgumentError):
        model.embed("x", dimensionality=0)
    result = model.embed(["a", "b"], return_dict=True)
    assert len(result["embeddings"]) == 2
    assert result["n_prompt_tokens"] == len(model.model.tokenize("a")) + len(model.model.tokenize("b"))
    from gpt4all import Gpt4AllError

    asked = []
    with pytest.raises(Gpt4AllError) as caught:
        model.embed(["a", "b", "c"], cancel_cb=lambda sizes, backend: asked.append(sizes) or len(asked) == 2)
    assert caught.value.code == "ERR_ABORTED" and len(asked) == 2
    model.close()
