"""Oracle: Ladder's GPT-2 tokenizer gives the token ids of Hugging Face `tokenizers` on the same
tokenizer.json, for llama.cpp's GPT-2 test texts and a few texts made to be awkward."""
import os
from concurrent.futures import ThreadPoolExecutor

from tokenizers import Tokenizer

import oracle

TEXTS = [
    "Hello world", "  two leading spaces", "trailing spaces   ", "tabs\tand\nnew\n\nlines\r\n",
    "digits 1234567890 and 3.14159, 1,000,000", "emoji 🦙🔥👩‍👩‍👧 and ½ ¼",
    "mixed scripts: Ελληνικά, русский, العربية, 日本語, 한국어, हिन्दी",
    "a special token <|endoftext|> inside text", "<|endoftext|>", "don't we'll they've I'M",
    "    \n\n\n    ", "",
]


def texts_of(inp_file):
    # llama.cpp's format: texts separated by the line __ggml_vocab_test__
    with open(inp_file, encoding="utf-8") as f:
        return f.read().split("\n__ggml_vocab_test__\n")[:-1]


def main():
    args = oracle.arguments(__doc__)
    tokenizer_json = oracle.shared_path(args, "data/tokenizers/gpt2/tokenizer.json")
    vectors = oracle.shared_path(args, "data/tokenizers/test_vectors/ggml-vocab-gpt-2.gguf.inp")
    hf = Tokenizer.from_file(tokenizer_json)
    texts = texts_of(vectors) + TEXTS

    def ladder_ids(text):
        out = oracle.ladder_cli(args, "tokenize", "--tokenizer", tokenizer_json, stdin=text)
        return [int(i) for i in out.split()]

    # One ladder-cli process per text: most of each one's time is loading LibTorch.
    with ThreadPoolExecutor(max_workers=4) as pool:
        ladder = list(pool.map(ladder_ids, texts))
    differ = 0
    for text, actual in zip(texts, ladder):
        expected = hf.encode(text, add_special_tokens=False).ids
        if actual != expected:
            differ += 1
            if differ <= 5:
                print(f"DIFFERENT for {text!r}:\n  ladder     {actual}\n  tokenizers {expected}")
    print(f"{len(texts) - differ} of {len(texts)} texts give the same ids as tokenizers "
          f"(GPT-2, {os.path.relpath(tokenizer_json, args.shared)})")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
