"""Oracle: Ladder's tokenizers give the token ids of Hugging Face `tokenizers`, and decode them to
the same text, for every real tokenizer in ../shared/data, on the test vectors there and on 2,000
strings generated from a fixed seed (mixed scripts, emoji and ZWJ sequences, runs of spaces, tabs
and newlines, digits, the tokenizer's own special tokens inside text).

--tokenizer picks one (CMake registers one test each): gpt2, llama2 and SmolLM2-135M-Instruct
are tokenizer.json files; Qwen2.5-0.5B-Instruct has only vocab.json + merges.txt +
tokenizer_config.json, which transformers' AutoTokenizer turns into a tokenizer and Ladder must
read as they are.
"""
import json
import os
import random

import oracle

# name: (what Ladder is given, relative to ../shared; how the oracle loads it; test vectors)
TOKENIZERS = {
    "gpt2": ("data/tokenizers/gpt2/tokenizer.json", "file",
             ["data/tokenizers/test_vectors/ggml-vocab-gpt-2.gguf"]),
    "llama2": ("data/tokenizers/llama2/tokenizer.json", "file",
               ["data/tokenizers/test_vectors/ggml-vocab-llama-spm.gguf"]),
    "SmolLM2-135M-Instruct": ("data/models/SmolLM2-135M-Instruct/tokenizer.json", "file", []),
    "Qwen2.5-0.5B-Instruct": (
        "data/models/Qwen2.5-0.5B-Instruct", "auto",
        ["data/models/_test_vectors/ggml-vocab-qwen2.gguf",
         "data/models/Qwen2.5-0.5B-Instruct/test_vectors/swift-transformers_Qwen__Qwen2.5-0.5B.json"]),
}
# Texts of every tokenizer's vectors are run through each tokenizer too (without reference ids).
ALL_VECTOR_TEXTS = [
    "data/tokenizers/test_vectors/ggml-vocab-gpt-2.gguf",
    "data/tokenizers/test_vectors/ggml-vocab-llama-spm.gguf",
    "data/models/_test_vectors/ggml-vocab-qwen2.gguf",
    "data/models/_test_vectors/multilingual_inputs.json",
    "data/models/Llama-3.2-1B-Instruct/test_vectors/swift-transformers_llama_3.2_encoded.json",
]
GENERATED = 2000
SEED = 20240512
SHOWN = 5  # differences printed per kind

TEXTS = [
    "Hello world", "  two leading spaces", "trailing spaces   ", "tabs\tand\nnew\n\nlines\r\n",
    "digits 1234567890 and 3.14159, 1,000,000", "emoji 🦙🔥👩‍👩‍👧 and ½ ¼",
    "mixed scripts: Ελληνικά, русский, العربية, 日本語, 한국어, हिन्दी",
    "don't we'll they've I'M", "    \n\n\n    ", "", " ", "\n", "\t", "\r\n\r\n",
]


def vectors(args, base):
    """(text, reference ids or None) of one test-vector file: llama.cpp's .inp/.out pair, or a
    swift-transformers JSON."""
    if base.endswith(".json"):
        path = oracle.shared_path(args, base)
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if "inputs" in data:  # multilingual_inputs.json: texts only
            return [(item["text"], None) for item in data["inputs"]]
        if "entries" in data:  # the ids of the multilingual inputs, keyed by their id
            inputs = os.path.join(os.path.dirname(os.path.dirname(path)), "..", "_test_vectors",
                                  "multilingual_inputs.json")
            with open(inputs, encoding="utf-8") as f:
                texts = {item["id"]: item["text"] for item in json.load(f)["inputs"]}
            return [(texts[key], entry["input_ids"]) for key, entry in data["entries"].items()
                    if key in texts]
        return [(data["text"], None)]
    # llama.cpp's format: texts separated by the line __ggml_vocab_test__, one line of ids each
    with open(oracle.shared_path(args, base + ".inp"), encoding="utf-8") as f:
        texts = f.read().split("\n__ggml_vocab_test__\n")[:-1]
    with open(oracle.shared_path(args, base + ".out"), encoding="utf-8") as f:
        ids = [[int(i) for i in line.split()] for line in f.read().split("\n")[:len(texts)]]
    return list(zip(texts, ids))


# Pieces the generated strings are made of.
WORDS = [
    "the", "The", "quick", "HELLO", "naïve", "café", "Straße", "Ελληνικά", "αβγ", "русский",
    "Привет", "العربية", "مرحبا", "עברית", "हिन्दी", "नमस्ते", "ภาษาไทย", "日本語", "東京都",
    "ひらがな", "カタカナ", "がぎぐ", "中文", "繁體字", "한국어", "안녕하세요", "각", "ქართული",
    "Հայերեն", "தமிழ்", "বাংলা", "e\u0301", "A\u030a", "ﬁ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "𠀀𠀁", "Ω", "µ", "ǅ",
    "x", "I", "a", "ok", "don't", "I'M", "we'LL", "you've", "it's", "'s", "'T", "O'Neil",
    "https://example.com/a?b=c", "bob@example.com", "def", "return", "snake_case", "camelCase",
]
EMOJI = [
    "🦙", "🔥", "😀", "👍🏽", "👩‍👩‍👧‍👦", "👨‍💻", "🏳️‍🌈", "🧑🏿‍🚀", "❤️", "1️⃣", "🇫🇷", "🇯🇵🇰🇷",
    "🫠", "©", "™", "♀️", "☕", "👁‍🗨",
]
SPACES = [
    " ", "  ", "   ", "        ", "\t", "\t\t", "\n", "\n\n", "\n\n\n", "\r\n", " \n", "\n ",
    " \t\n ", "\u00a0", "\u3000", "\u2009", "\u200b", "\u2028", "\x0b", "\x0c",
]
SYMBOLS = [
    ".", ",", "!", "?", "...", "—", "–", "(", ")", "[]", "{}", "<", ">", "</", "/>", "<|", "|>",
    "->", "=>", "==", "!=", "#", "@", "$", "%", "&&", "||", "\\", "\"", "'", "`", "```", "~",
    "«»", "“”", "。", "、", "！", "¿", "½", "°", "€", "£", "¥", "\x00", "\x7f", "\ufeff", "\ue000",
]


def digits(rng):
    kind = rng.randrange(6)
    if kind == 0:
        return str(rng.randrange(10 ** rng.randrange(1, 13)))
    if kind == 1:
        return f"{rng.uniform(0, 1000):.{rng.randrange(1, 6)}f}"
    if kind == 2:
        return f"{rng.randrange(10 ** 7):,}"
    if kind == 3:
        return "".join(rng.choice("０１２３４５６７８９") for _ in range(rng.randrange(1, 5)))
    if kind == 4:
        return "".join(rng.choice("٠١٢٣٤٥٦٧٨٩") for _ in range(rng.randrange(1, 5)))
    return rng.choice(["2024-05-12", "12:34:56", "v1.2.3", "0x1F", "1e-5", "3/4", "100%", "²³"])


def generated(specials, count, seed):
    """count strings from seed: pieces of each kind joined by nothing, a space or a run of
    whitespace."""
    rng = random.Random(seed)
    makers = [
        (lambda: rng.choice(WORDS), 6),
        (lambda: rng.choice(EMOJI), 2),
        (lambda: rng.choice(SPACES) * rng.randrange(1, 4), 2),
        (lambda: digits(rng), 2),
        (lambda: rng.choice(SYMBOLS), 2),
        (lambda: rng.choice(specials) if specials else " ", 1),
    ]
    weights = [w for _, w in makers]
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randrange(1, 16)):
            maker = rng.choices(makers, weights)[0][0]
            parts.append(maker())
            parts.append(rng.choice(["", "", " ", " ", "", rng.choice(SPACES)]))
        if rng.random() < 0.2:
            parts.insert(0, rng.choice(SPACES))
        texts.append("".join(parts))
    return texts


def unambiguous_merges(tokenizer_json):
    """tokenizer.json text with its "left right" merges as ["left", "right"] pairs. The shared
    Llama-2 file has three merges of tokens that contain spaces ("   " is " " + " "), which
    tokenizers 0.23 refuses to read ("Merges text file invalid"); each has exactly one split whose
    halves are both tokens, and the pair form (what tokenizers itself writes today) says so."""
    data = json.loads(tokenizer_json)
    vocab = data["model"]["vocab"]
    pairs = []
    for merge in data["model"]["merges"]:
        if not isinstance(merge, str):
            pairs.append(merge)
            continue
        splits = [(merge[:i], merge[i + 1:]) for i, c in enumerate(merge)
                  if c == " " and merge[:i] in vocab and merge[i + 1:] in vocab]
        if len(splits) != 1:
            print(f"the merge {merge!r} has {len(splits)} splits into two tokens, not one")
            raise SystemExit(1)
        pairs.append(list(splits[0]))
    data["model"]["merges"] = pairs
    return json.dumps(data)


def oracle_tokenizer(path, how):
    """The `tokenizers` Tokenizer: from the tokenizer.json, or the one transformers' AutoTokenizer
    builds from the folder (vocab.json + merges.txt + tokenizer_config.json)."""
    if how == "file":
        from tokenizers import Tokenizer
        with open(path, encoding="utf-8") as f:
            return Tokenizer.from_str(unambiguous_merges(f.read()))
    try:
        from transformers import AutoTokenizer
    except ImportError:
        oracle.skip("the oracle Python has no transformers, which builds this tokenizer")
    return AutoTokenizer.from_pretrained(path).backend_tokenizer


def ladder_lines(args, path, texts_or_ids, *flags):
    """One ladder-cli call for all inputs: a line out for each line in."""
    if flags and "--decode" in flags:
        stdin = "".join(" ".join(map(str, ids)) + "\n" for ids in texts_or_ids)
    else:
        stdin = "".join(json.dumps(text) + "\n" for text in texts_or_ids)
    out = oracle.ladder_cli(args, "tokenize", "--lines", "--tokenizer", path, *flags, stdin=stdin)
    lines = out.split("\n")[:-1]
    if len(lines) != len(texts_or_ids):
        print(f"ladder-cli tokenize --lines gave {len(lines)} lines for {len(texts_or_ids)} inputs")
        raise SystemExit(1)
    return lines


def first_difference(a, b):
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


class Tally:
    """Counts agreements of one kind and prints the first differences."""

    def __init__(self, what):
        self.what, self.checked, self.differ = what, 0, 0

    def check(self, same, show):
        self.checked += 1
        if same:
            return
        self.differ += 1
        if self.differ <= SHOWN:
            print(f"DIFFERENT ({self.what}):")
            show()

    def line(self):
        return f"  {self.checked - self.differ:5d} of {self.checked:5d} {self.what}"


def main():
    def extra(parser):
        parser.add_argument("--tokenizer", default="gpt2", choices=sorted(TOKENIZERS),
                            help="which of the real tokenizers in ../shared/data to check")
        parser.add_argument("--count", type=int, default=GENERATED,
                            help="how many generated strings")
    args = oracle.arguments(__doc__, extra)
    relative, how, vector_files = TOKENIZERS[args.tokenizer]
    path = oracle.shared_path(args, relative)
    hf = oracle_tokenizer(path, how)
    specials = sorted(t.content for t in hf.get_added_tokens_decoder().values())
    id_to_token = hf.id_to_token

    reference = [pair for base in vector_files for pair in vectors(args, base)]
    seen = set()
    texts = []
    for text in [t for t, _ in reference] + [t for base in ALL_VECTOR_TEXTS
                                              for t, _ in vectors(args, base)] + TEXTS:
        if text not in seen:
            seen.add(text)
            texts.append(text)
    vector_count = len(texts)
    texts += generated(specials, args.count, SEED)

    # The oracle against its own reference ids first: when they differ, the vectors belong to
    # another version of the tokenizer and say nothing about Ladder.
    stale = sum(1 for text, ids in reference
                if ids is not None and hf.encode(text, add_special_tokens=False).ids != ids)
    if stale:
        print(f"note: tokenizers differs from {stale} of {len(reference)} reference ids in the "
              f"test vectors (those were made with another version)")

    plain = [hf.encode(t, add_special_tokens=False).ids for t in texts]
    with_special = [hf.encode(t, add_special_tokens=True).ids for t in texts]
    decoded = [hf.decode(ids, skip_special_tokens=False) for ids in plain]
    # Skipping special tokens means decoding the ids without them. tokenizers 0.23 does that too,
    # except for special tokens it matches normalized (Llama-2's <s>, </s>, <unk>): it compares
    # their normalized text ("▁<s>") with "<s>" and keeps them. Ladder skips them; that difference
    # is counted and printed as a note, not a failure.
    special_ids = {i for i, t in hf.get_added_tokens_decoder().items() if t.special}
    decoded_skip = [hf.decode([i for i in ids if i not in special_ids]) for ids in with_special]
    keeps = sum(1 for ids, expected in zip(with_special, decoded_skip)
                if hf.decode(ids, skip_special_tokens=True) != expected)
    if keeps:
        print(f"note: tokenizers' own decode(skip_special_tokens=True) keeps special tokens in "
              f"{keeps} of {len(texts)} texts (normalized special tokens; Ladder drops them)")

    ladder_plain = [[int(i) for i in line.split()] for line in ladder_lines(args, path, texts)]
    ladder_special = [[int(i) for i in line.split()]
                      for line in ladder_lines(args, path, texts, "--special")]
    ladder_decoded = [json.loads(line)
                      for line in ladder_lines(args, path, plain, "--decode", "--special")]
    ladder_decoded_skip = [json.loads(line)
                           for line in ladder_lines(args, path, with_special, "--decode")]

    def show_ids(text, actual, expected):
        def shown():
            at = first_difference(actual, expected)
            print(f"  text       {text!r}\n  ladder     {actual}\n  tokenizers {expected}\n"
                  f"  from index {at}: ladder {[id_to_token(i) for i in actual[at:at + 4]]}, "
                  f"tokenizers {[id_to_token(i) for i in expected[at:at + 4]]}")
        return shown

    def show_text(text, ids, actual, expected):
        return lambda: print(f"  text       {text!r}\n  ids        {ids}\n"
                             f"  ladder     {actual!r}\n  tokenizers {expected!r}")

    tallies = {
        "ids_vectors": Tally("test-vector texts: identical ids (no special tokens added)"),
        "ids": Tally("generated strings: identical ids (no special tokens added)"),
        "ids_special": Tally("texts: identical ids with special tokens added"),
        "decode": Tally("texts: decode of tokenizers' ids identical (special tokens kept)"),
        "decode_skip": Tally("texts: decode identical, special tokens skipped (decode of the "
                             "ids without them)"),
        "round_trip": Tally("texts whose tokenizers decode gives the text back: Ladder's does too"),
    }
    for n, text in enumerate(texts):
        kind = "ids_vectors" if n < vector_count else "ids"
        tallies[kind].check(ladder_plain[n] == plain[n],
                            show_ids(text, ladder_plain[n], plain[n]))
        tallies["ids_special"].check(ladder_special[n] == with_special[n],
                                     show_ids(text, ladder_special[n], with_special[n]))
        tallies["decode"].check(ladder_decoded[n] == decoded[n],
                                show_text(text, plain[n], ladder_decoded[n], decoded[n]))
        tallies["decode_skip"].check(
            ladder_decoded_skip[n] == decoded_skip[n],
            show_text(text, with_special[n], ladder_decoded_skip[n], decoded_skip[n]))
        if decoded[n] == text:
            tallies["round_trip"].check(ladder_decoded[n] == text,
                                        show_text(text, plain[n], ladder_decoded[n], text))
    print(f"{args.tokenizer} ({relative}): {vector_count} test-vector texts + {args.count} "
          f"generated strings (seed {SEED}), {len(specials)} added tokens")
    for tally in tallies.values():
        print(tally.line())
    return 1 if any(t.differ for t in tallies.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
