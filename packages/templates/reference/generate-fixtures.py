#!/usr/bin/env python3
"""Render chat templates with Python's jinja2 and write the expected outputs as JSON fixtures.

The environment mirrors the one transformers builds for `apply_chat_template`
(ImmutableSandboxedEnvironment with trim_blocks, lstrip_blocks and loopcontrols,
its `tojson` filter, `raise_exception`, `strftime_now` and the `generation` tag),
so the fixtures show what Hugging Face tooling produces for the same input.
`strftime_now` uses a fixed date so the output does not depend on when it runs.

Usage (from packages/templates):
    python3 -m venv .venv && .venv/bin/pip install -r reference/requirements.txt
    .venv/bin/python reference/generate-fixtures.py [--templates DIR]
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import pathlib
import re
import sys

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

PACKAGE_DIR = pathlib.Path(__file__).resolve().parent.parent
FIXTURES_DIR = PACKAGE_DIR / "fixtures"
DEFAULT_TEMPLATES_DIR = PACKAGE_DIR.parent.parent / "vendor" / "llama.cpp" / "models" / "templates"


class GenerationTag(jinja2.ext.Extension):
    """`{% generation %}...{% endgeneration %}` renders its body unchanged, as in transformers."""

    tags = {"generation"}

    def parse(self, parser: jinja2.parser.Parser) -> jinja2.nodes.Node:
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        return jinja2.nodes.CallBlock(self.call_method("_render", []), [], [], body).set_lineno(lineno)

    def _render(self, caller: jinja2.runtime.Macro) -> str:
        return caller()


def build_environment(fixed_now: datetime.datetime) -> ImmutableSandboxedEnvironment:
    def raise_exception(message: str) -> None:
        raise jinja2.exceptions.TemplateError(message)

    def tojson(value, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        # Same signature and behaviour as transformers' override (no HTML escaping).
        return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(date_format: str) -> str:
        return fixed_now.strftime(date_format)

    environment = ImmutableSandboxedEnvironment(
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=[GenerationTag, jinja2.ext.loopcontrols],
    )
    environment.filters["tojson"] = tojson
    environment.globals["raise_exception"] = raise_exception
    environment.globals["strftime_now"] = strftime_now
    return environment


def render(environment: ImmutableSandboxedEnvironment, source: str, context: dict) -> dict:
    try:
        template = environment.from_string(source)
    except jinja2.exceptions.TemplateSyntaxError as error:
        return {"error": {"kind": "syntax", "type": type(error).__name__, "message": error.message, "line": error.lineno}}
    try:
        return {"output": template.render(**context)}
    except Exception as error:  # noqa: BLE001 - every failure is part of the expected behaviour
        return {"error": {"kind": "render", "type": type(error).__name__, "message": str(error)}}


def conversation_context(inputs: dict, conversation: dict) -> dict:
    # transformers always passes tools and documents (None when absent) plus the special tokens.
    return {
        "messages": conversation["messages"],
        "tools": inputs["tools"] if conversation.get("withTools") else None,
        "documents": None,
        "add_generation_prompt": conversation["addGenerationPrompt"],
        "bos_token": inputs["bosToken"],
        "eos_token": inputs["eosToken"],
    }


def write_json(path: pathlib.Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def generate_conformance(environment, inputs: dict, templates_dir: pathlib.Path) -> int:
    out_dir = FIXTURES_DIR / "conformance"
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("*.json"):
        stale.unlink()
    count = 0
    written = set()
    for template_path in sorted(templates_dir.glob("*.jinja")):
        # Fixture names are kebab-case; the template's own name is stored inside.
        fixture_name = re.sub(r"[^a-z0-9]+", "-", template_path.stem.lower()).strip("-") + ".json"
        if fixture_name in written:
            raise SystemExit(f"two templates map to {fixture_name}")
        written.add(fixture_name)
        source = template_path.read_text(encoding="utf-8")
        cases = {}
        for conversation in inputs["conversations"]:
            required = conversation.get("requiresTemplateText")
            if required and required not in source:
                continue
            cases[conversation["id"]] = render(environment, source, conversation_context(inputs, conversation))
        write_json(
            out_dir / fixture_name,
            {
                "template": template_path.name,
                "sha256": hashlib.sha256(source.encode("utf-8")).hexdigest(),
                "jinja2": jinja2.__version__,
                "cases": cases,
            },
        )
        count += 1
    return count


def generate_snippets(environment, name: str) -> int:
    """Renders each case of fixtures/<name>.json into fixtures/<name>.expected.json."""
    cases = json.loads((FIXTURES_DIR / f"{name}.json").read_text(encoding="utf-8"))["cases"]
    expected = {case["id"]: render(environment, case["template"], case.get("context", {})) for case in cases}
    write_json(FIXTURES_DIR / f"{name}.expected.json", {"jinja2": jinja2.__version__, "cases": expected})
    return len(expected)


def legacy_text(content) -> str:
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content or [] if part.get("type") == "text")


def render_legacy(prompt_template: str, system_prompt: str, messages: list, add_generation_prompt: bool) -> str:
    """GPT4All's legacy rules (gpt4all-backend LLModel::prompt), applied turn by turn."""
    placeholders = list(re.finditer(r"%[12]", prompt_template))
    if not placeholders or placeholders[0].group() != "%1" or len(placeholders) > 2:
        raise ValueError("invalid legacy template")
    user = placeholders[0]
    assistant = placeholders[1] if len(placeholders) == 2 else None
    user_prefix = prompt_template[: user.start()]
    user_to_assistant = prompt_template[user.end() : assistant.start() if assistant else len(prompt_template)]
    assistant_suffix = prompt_template[assistant.end() :] if assistant else "\n\n"

    turns = messages
    output = system_prompt
    if messages and messages[0]["role"] == "system":
        output = legacy_text(messages[0]["content"])
        turns = messages[1:]
    for index, message in enumerate(turns):
        if message["role"] == "user":
            output += user_prefix + legacy_text(message["content"])
            if index < len(turns) - 1 or add_generation_prompt:
                output += user_to_assistant
        elif message["role"] == "assistant":
            output += legacy_text(message["content"]) + assistant_suffix
        else:
            raise ValueError("unsupported role")
    return output


def generate_legacy() -> int:
    inputs = json.loads((FIXTURES_DIR / "legacy-cases.json").read_text(encoding="utf-8"))
    expected = {}
    for template in inputs["templates"]:
        for conversation in inputs["conversations"]:
            key = f"{template['id']}/{conversation['id']}"
            expected[key] = render_legacy(
                template["promptTemplate"], template["systemPrompt"], conversation["messages"], conversation["addGenerationPrompt"]
            )
    write_json(FIXTURES_DIR / "legacy-cases.expected.json", {"cases": expected})
    return len(expected)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--templates", type=pathlib.Path, default=DEFAULT_TEMPLATES_DIR)
    args = parser.parse_args()

    inputs = json.loads((FIXTURES_DIR / "conversations.json").read_text(encoding="utf-8"))
    environment = build_environment(datetime.datetime.fromisoformat(inputs["fixedNow"]))

    if not args.templates.is_dir():
        print(f"templates folder not found: {args.templates} (run `pnpm vendor` first)", file=sys.stderr)
        return 1
    templates = generate_conformance(environment, inputs, args.templates)
    differences = generate_snippets(environment, "jinja-differences")
    semantics = generate_snippets(environment, "python-semantics")
    legacy = generate_legacy()
    print(
        f"wrote {templates} conformance fixtures, {differences} jinja difference cases, "
        f"{semantics} semantics cases and {legacy} legacy cases"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
