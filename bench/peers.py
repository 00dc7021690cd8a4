"""What the benchmarks' Python peers (dpo_step/trl_peer.py, dpo_memory/trl_peft_peer.py) share."""


def word_tokenizer():
    """A one-word tokenizer: TRL's trainers want one (a pad id, a text dataset at construction);
    the peers' batches go in as token ids."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast
    inner = Tokenizer(models.WordLevel({"pad": 0, "bos": 1, "eos": 2, "unk": 3}, unk_token="unk"))
    inner.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return PreTrainedTokenizerFast(tokenizer_object=inner, pad_token="pad", eos_token="eos",
                                   bos_token="bos", unk_token="unk")


def one_row_dataset():
    """The text dataset a trainer is constructed with before its train_dataset is replaced by ids."""
    import datasets
    return datasets.Dataset.from_list([{"prompt": "bos", "chosen": " unk", "rejected": " unk"}])
