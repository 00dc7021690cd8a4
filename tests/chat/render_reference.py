#!/usr/bin/env python3
"""Reference renders for Ladder's chat-template oracle test (tests/chat/chat_oracle_test.cpp).

Renders each case with transformers' own apply_chat_template when transformers is importable;
otherwise with jinja2 set up the way transformers sets it up (an ImmutableSandboxedEnvironment
with trim_blocks, lstrip_blocks and loopcontrols, its tojson, raise_exception, strftime_now,
namespace and dict) and transformers' rules for choosing the template and the special tokens.

Usage: render_reference.py CASES.json OUT.json DONOR_TOKENIZER_JSON
A case: {"id", "model": folder, "messages", "tools", "documents", "add_generation_prompt",
         "variables": {...}, "template": name or null, "ids": bool}
OUT.json: {"oracle": "<versions>", "results": [{"id", "text", "ids"?} or {"id", "error_type",
          "error"}]}
"""
import json
import os
import shutil
import sys
import tempfile

import jinja2

try:
    import transformers
    from transformers import PreTrainedTokenizerFast
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()
except ImportError:  # the jinja2-only path below
    transformers = None

CONFIG_FILES = ("tokenizer_config.json", "special_tokens_map.json", "chat_template.jinja")


def load_with_transformers(folder, donor, cache):
    """transformers' tokenizer for the folder; folders without a tokenizer.json borrow one (the
    template and the special tokens come from the folder's own files either way)."""
    if folder in cache:
        return cache[folder]
    source = folder
    if not os.path.exists(os.path.join(folder, "tokenizer.json")):
        source = tempfile.mkdtemp(prefix="ladder-oracle-")
        for name in CONFIG_FILES:
            if os.path.exists(os.path.join(folder, name)):
                shutil.copy(os.path.join(folder, name), source)
        extra = os.path.join(folder, "additional_chat_templates")
        if os.path.isdir(extra):
            shutil.copytree(extra, os.path.join(source, "additional_chat_templates"))
        shutil.copy(donor, os.path.join(source, "tokenizer.json"))
    cache[folder] = PreTrainedTokenizerFast.from_pretrained(source)
    return cache[folder]


def render_with_transformers(case, donor, cache):
    tokenizer = load_with_transformers(case["model"], donor, cache)
    arguments = dict(
        tools=case.get("tools"),
        documents=case.get("documents"),
        add_generation_prompt=case["add_generation_prompt"],
        **case.get("variables", {}),
    )
    if case.get("template"):
        arguments["chat_template"] = case["template"]
    result = {"text": tokenizer.apply_chat_template(case["messages"], tokenize=False, **arguments)}
    if case.get("ids"):
        result["ids"] = list(tokenizer.apply_chat_template(
            case["messages"], tokenize=True, return_dict=False, **arguments))
    return result


# ---- jinja2 alone, set up as transformers sets it up ----

def jinja_environment():
    from datetime import datetime
    from jinja2.ext import loopcontrols
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators,
                          sort_keys=sort_keys)

    class GenerationTag(jinja2.ext.Extension):
        tags = {"generation"}

        def parse(self, parser):
            lineno = next(parser.stream).lineno
            body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
            return jinja2.nodes.CallBlock(self.call_method("_render"), [], [], body).set_lineno(lineno)

        def _render(self, caller):
            return caller()

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=[GenerationTag, loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)
    env.globals["dict"] = dict
    env.globals["namespace"] = jinja2.utils.Namespace
    return env


def token_text(value):
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("content"), str):
        return value["content"]
    return None


def read_folder(folder):
    config_path = os.path.join(folder, "tokenizer_config.json")
    config = json.load(open(config_path, encoding="utf-8")) if os.path.exists(config_path) else {}
    templates = {}
    jinja_file = os.path.join(folder, "chat_template.jinja")
    if os.path.exists(jinja_file):
        templates["default"] = open(jinja_file, encoding="utf-8").read()
    extra = os.path.join(folder, "additional_chat_templates")
    if os.path.isdir(extra):
        for name in sorted(os.listdir(extra)):
            if name.endswith(".jinja"):
                templates[name[: -len(".jinja")]] = open(os.path.join(extra, name), encoding="utf-8").read()
    if templates:
        chosen = templates["default"] if list(templates) == ["default"] else templates
    else:
        chosen = config.get("chat_template")
        if isinstance(chosen, list):
            chosen = {t["name"]: t["template"] for t in chosen}
    tokens = {}
    for key, value in config.items():
        if key.endswith("_token") and token_text(value) is not None:
            tokens[key] = token_text(value)
    if isinstance(config.get("extra_special_tokens"), dict):
        for key, value in config["extra_special_tokens"].items():
            if token_text(value) is not None:
                tokens[key] = token_text(value)
    legacy = os.path.join(folder, "special_tokens_map.json")
    if "added_tokens_decoder" not in config and os.path.exists(legacy):
        for key, value in json.load(open(legacy, encoding="utf-8")).items():
            if key.endswith("_token") and token_text(value) is not None:
                tokens[key] = token_text(value)
    return chosen, tokens


def clean_messages(messages):
    cleaned = []
    for message in messages:
        message = {k: v for k, v in message.items() if v is not None}
        reasoning = next((message[k] for k in ("reasoning_content", "thinking", "reasoning")
                          if message.get(k) is not None), None)
        if reasoning is not None:
            message = {"thinking": reasoning, **message, "reasoning_content": reasoning}
        cleaned.append(message)
    return cleaned


def render_with_jinja(case, env):
    templates, tokens = read_folder(case["model"])
    if isinstance(templates, dict):
        name = case.get("template") or (
            "tool_use" if case.get("tools") is not None and "tool_use" in templates else "default")
        source = templates[name]
    else:
        source = templates
    if not case["messages"]:
        raise ValueError("Cannot apply chat template to an empty conversation.")
    variables = {**tokens, **case.get("variables", {})}
    text = env.from_string(source).render(
        messages=clean_messages(case["messages"]), tools=case.get("tools"),
        documents=case.get("documents"), add_generation_prompt=case["add_generation_prompt"],
        **variables)
    return {"text": text}


def main():
    cases_path, out_path, donor = sys.argv[1:4]
    cases = json.load(open(cases_path, encoding="utf-8"))
    if transformers is not None:
        oracle = f"transformers {transformers.__version__}, jinja2 {jinja2.__version__}"
        cache = {}
        render = lambda case: render_with_transformers(case, donor, cache)
    else:
        oracle = f"jinja2 {jinja2.__version__} set up as transformers does"
        env = jinja_environment()
        render = lambda case: render_with_jinja(case, env)
    results = []
    for case in cases:
        try:
            result = render(case)
        except Exception as error:  # the test compares errors too
            result = {"error_type": type(error).__name__, "error": str(error)}
        result["id"] = case["id"]
        results.append(result)
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump({"oracle": oracle, "results": results}, out, ensure_ascii=False)


if __name__ == "__main__":
    main()
