"""Generate golden chat-template renderings for decaf's ChatTemplate tests.

Renders a few conversations with real-world Hugging Face chat templates the way
transformers' ``apply_chat_template`` does (a Jinja2 environment with
``trim_blocks=True, lstrip_blocks=True``, the ``loopcontrols`` extension, a
``tojson`` filter that is ``json.dumps(..., ensure_ascii=False)`` and a
``raise_exception`` global; variables ``messages``, ``add_generation_prompt``,
``bos_token``, ``eos_token``), and writes, next to this script:

  * ``<name>/tokenizer_config.json`` for each template (chat_template, bos_token,
    eos_token; some tokens as AddedToken objects, as older configs have them)
  * ``chat_golden.json``: for every template and conversation the full rendering
    with add_generation_prompt false and true, and for every assistant turn i the
    renderings of messages[:i] (with the generation prompt) and messages[:i+1]
    (without), with the turn's trained text (the second minus the first); plus
    conversations the template refuses, with raise_exception's message; and the
    output of a few short templates (snippets: tojson, lstrip_blocks, trailing newlines).

The templates are written from the models' tokenizer_config.json files (the
Qwen2.5 one abridged: its tool-calling branches are left out). Regenerate from the
repository root with (Debian: apt-get install python3-jinja2):

    python3 modules/decaf-text/src/test/resources/golden/templates/gen_chat_golden.py
"""

import json
import os

import jinja2
import jinja2.ext
import jinja2.sandbox

HERE = os.path.dirname(os.path.abspath(__file__))


def added_token(content):
    """An AddedToken object, as tokenizer_config.json files of 2023 store special tokens."""
    return {"__type": "AddedToken", "content": content, "lstrip": False,
            "normalized": False, "rstrip": False, "single_word": False}


TEMPLATES = {
    # HuggingFaceTB/SmolLM2-135M-Instruct: ChatML with a default system prompt
    "smollm2": {
        "chat_template": "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
                         "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}"
                         "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
                         "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}",
        "bos_token": "<|im_start|>",
        "eos_token": "<|im_end|>",
    },
    # Qwen/Qwen2.5-0.5B-Instruct (tool branches left out): ChatML, {%- -%} and indentation
    "qwen2.5": {
        "chat_template": """{%- if messages[0]['role'] == 'system' %}
    {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}
{%- else %}
    {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}
{%- endif %}
{%- for message in messages %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\\n' }}
{%- endif %}
""",
        "bos_token": None,
        "eos_token": "<|im_end|>",
    },
    # meta-llama/Llama-2-7b-chat-hf: [INST] / <<SYS>>, raise_exception, str.strip()
    "llama2": {
        "chat_template": "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
                         "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
                         "{% set system_message = false %}{% endif %}{% for message in loop_messages %}"
                         "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
                         "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
                         "{% if loop.index0 == 0 and system_message != false %}"
                         "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}"
                         "{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}"
                         "{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}"
                         "{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}",
        "bos_token": added_token("<s>"),
        "eos_token": added_token("</s>"),
    },
    # HuggingFaceH4/zephyr-7b-beta: one tag a line, so trim_blocks decides the output
    "zephyr": {
        "chat_template": "{% for message in messages %}\n{% if message['role'] == 'user' %}\n"
                         "{{ '<|user|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n"
                         "{{ '<|system|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n"
                         "{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n"
                         "{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}",
        "bos_token": "<s>",
        "eos_token": "</s>",
    },
    # meta-llama/Meta-Llama-3-8B-Instruct: a filter inside +, bos_token on the first turn
    "llama3": {
        "chat_template": "{% set loop_messages = messages %}{% for message in loop_messages %}"
                         "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'"
                         "+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}"
                         "{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
                         "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}",
        "bos_token": "<|begin_of_text|>",
        "eos_token": "<|eot_id|>",
    },
    # not a model's: what the real ones above do not exercise (tojson, loop controls,
    # indented tags, {{- and -}}, a trailing newline that Jinja2 drops)
    "synthetic": {
        "chat_template": """{# decaf's whitespace and filter check #}
{% for message in messages %}
    {% if message.role == 'system' %}
        {% continue %}
    {% endif %}
  <{{ message.role }}>   {{- message | tojson -}}   </{{ message.role }}>
{% endfor %}
{% if add_generation_prompt %}
  <assistant>
{%- endif %}
""",
        "bos_token": "<s>",
        "eos_token": "</s>",
    },
}

CONVERSATIONS = [
    [{"role": "user", "content": "What is 2+2?"},
     {"role": "assistant", "content": "4"}],
    [{"role": "system", "content": "You are terse."},
     {"role": "user", "content": "Name a colour."},
     {"role": "assistant", "content": "Blue."},
     {"role": "user", "content": "Another?"},
     {"role": "assistant", "content": "  Green.  "}],
    [{"role": "user", "content": "Héllo — ünïcode ✓\nsecond line\twith a tab and \"quotes\""},
     {"role": "assistant", "content": "Line one\nLine two {{ not jinja }} {% raw %}\n"}],
    [{"role": "system", "content": "Answer in French."},
     {"role": "user", "content": "Hello"},
     {"role": "assistant", "content": "Bonjour"},
     {"role": "user", "content": "Thanks"}],
]

# short templates for the tojson filter, lstrip_blocks and the dropped trailing newline, rendered with
# CONVERSATIONS[2] (non-ASCII, quotes, tabs)
SNIPPETS = [
    "{{ messages | length }} messages\n",
    # lstrip_blocks strips only from a line's start, and not before {%+
    "a {% if true %}b{% endif %} c\n  {% if true %}d{% endif %}\n\t{%+ if true %}e{% endif %}\n  {# note #} f\n",
    "{% for m in messages | reverse %}{{ m.role }} {% endfor %}\n\n",
    "{{ messages | tojson }}",
    "{{ messages | tojson(indent=2) }}",
    "{{ messages[0] | tojson(sort_keys=true) }}",
    "{{ messages | tojson(ensure_ascii=true) }}",
    "{{ {'map': {}, 'n': 3, 'ok': true, 'none': none, 'list': [1, 'two', []]} | tojson(indent=1) }}",
]

# conversations a template refuses through raise_exception
REFUSED = [
    ("llama2", [{"role": "user", "content": "a"}, {"role": "user", "content": "b"},
                {"role": "assistant", "content": "c"}]),
]


class TemplateRefused(Exception):
    pass


def raise_exception(message):
    raise TemplateRefused(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def environment():
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    return env


def token(value):
    return value["content"] if isinstance(value, dict) else value


def main():
    env = environment()
    cases = []
    for name, config in TEMPLATES.items():
        os.makedirs(os.path.join(HERE, name), exist_ok=True)
        with open(os.path.join(HERE, name, "tokenizer_config.json"), "w", encoding="utf-8") as f:
            json.dump({k: v for k, v in config.items() if v is not None}, f, ensure_ascii=False, indent=2)
            f.write("\n")
        template = env.from_string(config["chat_template"])

        def render(messages, add_generation_prompt):
            return template.render(messages=messages, add_generation_prompt=add_generation_prompt,
                                   bos_token=token(config["bos_token"]), eos_token=token(config["eos_token"]))

        for c, messages in enumerate(CONVERSATIONS):
            turns = []
            for i, m in enumerate(messages):
                if m["role"] != "assistant":
                    continue
                before = render(messages[:i], True)
                through = render(messages[:i + 1], False)
                assert through.startswith(before), (name, c, i)
                turns.append({"index": i, "before": before, "through": through, "trained": through[len(before):]})
            cases.append({"template": name, "conversation": c,
                          "full": render(messages, False), "generation": render(messages, True), "turns": turns})
    refused = []
    for name, messages in REFUSED:
        template = env.from_string(TEMPLATES[name]["chat_template"])
        try:
            template.render(messages=messages, add_generation_prompt=False, bos_token="", eos_token="")
            raise AssertionError("not refused: " + name)
        except TemplateRefused as e:
            refused.append({"template": name, "messages": messages, "message": str(e)})
    snippets = [{"template": t, "output": env.from_string(t).render(messages=CONVERSATIONS[2])} for t in SNIPPETS]
    golden = {"jinja2": jinja2.__version__, "conversations": CONVERSATIONS, "cases": cases, "refused": refused,
              "snippets": snippets}
    with open(os.path.join(HERE, "chat_golden.json"), "w", encoding="utf-8") as f:
        json.dump(golden, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
