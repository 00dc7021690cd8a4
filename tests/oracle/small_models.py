"""Small models and tokenizer folders the oracle scripts build from ../shared/data/models."""
import copy
import os


def shrink(config):
    """Two layers, narrow, the same kind of attention: query heads per KV head kept, head_dim kept
    when the config sets it, vocabulary kept (the embedding is where tied heads and biases live)."""
    c = copy.deepcopy(config)
    if c.model_type == "gpt2":
        c.n_layer, c.n_embd, c.n_head, c.n_inner = 2, 64, 4, 256
        c.n_positions = 512
        return c
    heads = c.num_attention_heads
    kv = getattr(c, "num_key_value_heads", None) or heads
    per_kv = heads // kv
    c.num_key_value_heads = 2 if kv < heads else 4
    c.num_attention_heads = c.num_key_value_heads * per_kv
    explicit_head_dim = getattr(c, "head_dim", None)
    if explicit_head_dim and explicit_head_dim * heads != config.hidden_size:
        c.head_dim = 32  # an explicit head_dim that differs from hidden / heads stays explicit
        c.hidden_size = 64
    else:
        c.hidden_size = c.num_attention_heads * 16
        if hasattr(c, "head_dim"):
            c.head_dim = 16
    c.intermediate_size = 96
    c.num_hidden_layers = 2
    if getattr(c, "layer_types", None):
        c.layer_types = c.layer_types[:2]
    if hasattr(c, "max_window_layers"):
        c.max_window_layers = 2
    return c


def qwen3_card_config():
    """Qwen3-0.6B ships no config.json in ../shared: the sizes from its model card (the shared
    README's note), the rest transformers' Qwen3Config defaults."""
    from transformers import Qwen3Config
    return Qwen3Config(
        vocab_size=151936, hidden_size=1024, intermediate_size=3072, num_hidden_layers=28,
        num_attention_heads=16, num_key_value_heads=8, head_dim=128, max_position_embeddings=40960,
        rms_norm_eps=1e-6, tie_word_embeddings=True, attention_bias=False,
        rope_parameters={"rope_type": "default", "rope_theta": 1000000.0},
        bos_token_id=151643, eos_token_id=151645)


def qwen3_tokenizer_files(models):
    """Qwen3-0.6B's tokenizer_config.json and chat_template.jinja with Qwen2.5's vocab.json and
    merges.txt, which Qwen3 shares (../shared has no Qwen3 vocabulary of its own)."""
    qwen25 = os.path.join(models, "Qwen2.5-0.5B-Instruct")
    qwen3 = os.path.join(models, "Qwen3-0.6B")
    return [os.path.join(qwen25, "vocab.json"), os.path.join(qwen25, "merges.txt"),
            os.path.join(qwen3, "tokenizer_config.json"), os.path.join(qwen3, "chat_template.jinja")]
