"""chat_session(): templates rendered with jinja2, history kept, KV cache reused across turns."""
import pytest

from conftest import load

GREEDY = dict(max_tokens=12, temp=0, repeat_penalty=1.0)


def test_multi_turn_equals_a_fresh_session_seeded_with_the_history(reference):
    model = load(reference, "chat")
    with model.chat_session(system_message="You are terse."):
        first = model.generate("Hi! Who are you?", **GREEDY)
        second = model.generate("And what can you do?", **GREEDY)
        history = model.current_chat_session
    assert [m["role"] for m in history] == ["system", "user", "assistant", "user", "assistant"]
    assert history[2]["content"] == first and history[4]["content"] == second
    assert model.current_chat_session == []
    model.close()

    fresh = load(reference, "chat")
    with fresh.chat_session(system_message="You are terse."):
        fresh.current_chat_session = history[:3]
        assert fresh.generate("And what can you do?", **GREEDY) == second
    fresh.close()


def test_a_turn_generates_from_the_template_rendered_by_jinja2(reference):
    """A session turn equals generating from the prompt that jinja2 renders from the model's
    own template (qwen2 adds no BOS token, so the raw prompt tokenizes the same)."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    model = load(reference, "chat")
    template = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True).from_string(model.model.chat_template)
    messages = [{"role": "system", "content": "S"}, {"role": "user", "content": "U"}]
    rendered = template.render(messages=messages, add_generation_prompt=True, bos_token="", eos_token=model.model.eos_token or "")
    assert rendered.endswith("<|im_start|>assistant\n")
    with model.chat_session(system_message="S"):
        in_session = model.generate("U", **GREEDY)
    assert in_session == model.generate(rendered, **GREEDY)
    model.close()


def test_a_model_without_a_template_needs_one(reference):
    from gpt4all import InvalidArgumentError

    model = load(reference, "gpt2")
    with pytest.raises(InvalidArgumentError) as caught:
        with model.chat_session():
            pass
    assert caught.value.code == "ERR_INVALID_ARGUMENT"
    with model.chat_session(chat_template="{% for m in messages %}{{ m['content'] }}\n{% endfor %}"):
        assert isinstance(model.generate("Hello", **GREEDY), str)
    model.close()


def test_sessions_do_not_nest(reference):
    from gpt4all import InvalidArgumentError

    model = load(reference, "chat")
    with model.chat_session(system_message="outer"):
        model.generate("one", **GREEDY)
        with pytest.raises(InvalidArgumentError):
            with model.chat_session(system_message="inner"):
                pass
        assert [m["role"] for m in model.current_chat_session] == ["system", "user", "assistant"]
    model.close()


def test_template_errors_carry_codes_and_leave_the_history_alone(reference):
    from gpt4all import TemplateError

    model = load(reference, "chat")
    with pytest.raises(TemplateError) as caught:
        with model.chat_session(chat_template="{% for m in messages %}{{ m.content }\n{% endfor %}"):
            pass
    assert (caught.value.code, caught.value.line) == ("ERR_TEMPLATE_SYNTAX", 1)
    assert isinstance(caught.value, ValueError)

    alternating = "{% for m in messages %}{% if m.role == 'user' and loop.index > 2 %}{{ raise_exception('one user turn only') }}{% endif %}{{ m.content }}{% endfor %}"
    with model.chat_session(system_message="sys", chat_template=alternating):
        model.generate("first", **GREEDY)
        before = model.current_chat_session
        with pytest.raises(TemplateError) as caught:
            model.generate("second", **GREEDY)
        assert (caught.value.code, str(caught.value)) == ("ERR_TEMPLATE_RAISED", "one user turn only")
        assert model.current_chat_session == before

    with model.chat_session(chat_template="{{ messages[0].content + 1 }}"):
        with pytest.raises(TemplateError) as caught:
            model.generate("x", **GREEDY)
        assert caught.value.code == "ERR_TEMPLATE_RENDER"
        assert model.current_chat_session == []
    model.close()
