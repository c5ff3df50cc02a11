"""Greedy generation equals @gpt4all/core's, token for token, and streaming equals it too."""
import pytest

from conftest import GENERATE, MAX_TOKENS, load

# Sampling that leaves greedy decoding alone: GPT4All's SDK defaults to repeat_penalty=1.18.
GREEDY = dict(max_tokens=MAX_TOKENS, temp=0, repeat_penalty=1.0)


@pytest.mark.parametrize("case", range(len(GENERATE)), ids=[f"{g['model']}: {g['prompt'][:12]}" for g in GENERATE])
def test_greedy_output_equals_node(reference, case):
    expected = reference["generations"][case]
    model = load(reference, GENERATE[case]["model"])
    tokens = []
    text = model.generate(GENERATE[case]["prompt"], callback=lambda token, piece: tokens.append(token) or True, **GREEDY)
    assert len(expected["tokens"]) > 0
    assert text == expected["text"]
    assert [t for t in tokens if t >= 0] == expected["tokens"]
    model.close()


@pytest.mark.parametrize("key", ["llama", "gpt2"])
def test_streaming_joins_to_the_same_text(reference, key):
    model = load(reference, key)
    whole = model.generate("Once upon a time", **GREEDY)
    pieces = list(model.generate("Once upon a time", streaming=True, **GREEDY))
    assert len(pieces) > 1
    assert "".join(pieces) == whole
    model.close()


def test_callback_returning_false_stops(reference):
    model = load(reference, "llama")
    seen = []
    text = model.generate("Once upon a time", max_tokens=50, temp=0, callback=lambda token, piece: seen.append(piece) or len(seen) < 3)
    assert len(seen) == 3
    assert text == "".join(seen)
    model.close()


def test_a_stream_closed_early_ends_the_generation(reference):
    model = load(reference, "llama")
    seen = []
    stream = model.generate("Once upon a time", max_tokens=2000, temp=0, streaming=True, callback=lambda token, piece: seen.append(piece) or True)
    first = [next(stream) for _ in range(3)]
    stream.close()
    assert len(first) == 3
    # Closing the stream aborted the generation: it did not run on to 2000 tokens.
    assert len(seen) < 100
    # The context is free again.
    assert model.generate("Hello", max_tokens=3, temp=0) != ""
    model.close()


def test_logits_pick_the_greedy_token(reference):
    from gpt4all._native import Context, Model

    model = Model(reference["paths"]["llama"])
    context = Context(model, n_ctx=128, kv_cache_type="f32", flash_attention=False)
    prompt = model.tokenize("Once upon a time")
    logits = context.logits(prompt)
    assert len(logits) == model.vocab_size
    picked = []
    context.generate(prompt, lambda token, piece: picked.append(token) or True, max_tokens=1, temperature=0, repeat_penalty=1.0)
    assert picked[0] == max(range(len(logits)), key=logits.__getitem__)
    with pytest.raises(Exception) as caught:
        Context(model, kv_cache_type="f7")
    assert caught.value.code == "ERR_INVALID_ARGUMENT"
    context.close()
    model.close()
