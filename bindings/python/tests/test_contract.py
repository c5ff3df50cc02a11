"""The contract is the Rust core's: codes and defaults reach Python through the C ABI and equal
what @gpt4all/core (generated from the same Rust code) reports."""
import inspect


def test_defaults_are_the_engines(reference):
    from gpt4all import GPT4All, _native

    node = reference["contract"]["defaults"]
    python = _native.DEFAULTS
    assert (python.n_ctx, python.max_tokens) == (node["contextSize"], node["maxTokens"])
    assert (python.temperature, python.top_k, python.top_p, python.min_p) == (node["temperature"], node["topK"], node["topP"], node["minP"])
    assert (python.repeat_penalty, python.repeat_last_n) == (node["repeatPenalty"], node["repeatLastN"])
    # The drop-in's signatures show the same values.
    generate = inspect.signature(GPT4All.generate).parameters
    assert {name: generate[name].default for name in ("max_tokens", "temp", "top_k", "top_p", "min_p", "repeat_penalty", "repeat_last_n")} == {
        "max_tokens": node["maxTokens"],
        "temp": node["temperature"],
        "top_k": node["topK"],
        "top_p": node["topP"],
        "min_p": node["minP"],
        "repeat_penalty": node["repeatPenalty"],
        "repeat_last_n": node["repeatLastN"],
    }
    assert inspect.signature(GPT4All.__init__).parameters["n_ctx"].default == node["contextSize"]


def test_status_codes_are_the_engines(reference):
    from gpt4all._native import ffi, lib

    numbers = reference["contract"]["statusNumbers"]
    assert list(numbers) == reference["contract"]["errorCodes"]
    for code, number in numbers.items():
        assert ffi.string(lib.gpt4all_status_code(number)).decode() == code
