"""Constrained output through the C ABI's grammar and JSON-schema options."""
import json

import pytest

from conftest import load
from gpt4all import SchemaError


def test_grammar_holds_the_output(reference):
    model = load(reference, "llama")
    for seed_prompt in ("Answer:", "Yes or no?", "Decide:"):
        text = model.generate(seed_prompt, temp=1.0, max_tokens=20, grammar='root ::= ("yes" | "no") "!"')
        assert text in ("yes!", "no!")


def test_json_schema_gives_valid_json(reference):
    model = load(reference, "llama")
    schema = {
        "type": "object",
        "properties": {"n": {"type": "integer", "minimum": 1, "maximum": 9}, "ok": {"type": "boolean"}},
        "required": ["n", "ok"],
        "additionalProperties": False,
    }
    value = json.loads(model.generate("JSON:", temp=1.0, max_tokens=200, json_schema=schema))
    assert 1 <= value["n"] <= 9 and isinstance(value["ok"], bool)
    # JSON text works too.
    assert isinstance(json.loads(model.generate("JSON:", temp=1.0, max_tokens=200, json_schema=json.dumps(schema))), dict)


def test_unenforceable_schemas_and_bad_grammars_raise(reference):
    model = load(reference, "llama")
    with pytest.raises(SchemaError) as unsupported:
        model.generate("x", json_schema={"type": "integer", "multipleOf": 3})
    assert unsupported.value.code == "ERR_SCHEMA_UNSUPPORTED" and "multipleOf" in str(unsupported.value)
    with pytest.raises(SchemaError) as bad:
        model.generate("x", grammar='root ::= "a"\nitem ::= "b" @')
    assert bad.value.code == "ERR_GRAMMAR_INVALID" and "line 2" in str(bad.value)
    # Still usable afterwards.
    assert isinstance(model.generate("x", max_tokens=2), str)
