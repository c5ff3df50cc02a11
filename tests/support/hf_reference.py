"""Tiny random Hugging Face checkpoints and what transformers generates from them.

    python hf_reference.py <vendor/llama.cpp> <output dir>

For each architecture of the seeds that has a Hugging Face class (GPT-J, LLaMA, Qwen2, MPT,
Falcon, GPTBigCode/StarCoder) it writes a checkpoint with random weights (seeded) and GPT-2's
real tokenizer, rebuilt from llama.cpp's ggml-vocab-gpt-2.gguf (tokens and merges), so that the
converter recognises its pre-tokenizer. Then, for each prompt, the greedy continuation of
transformers' `generate(do_sample=False)` and the logits of its first step (raw little-endian
float32 files). `reference.json` lists them. Run by tests/hf-parity.test.ts in the environment
that `gpt4all convert` prepares.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import torch

PROMPTS = [
    "The capital of France is",
    "def fibonacci(n):\n    return",
    "Once upon a time, in a land far away, there lived",
]
NEW_TOKENS = 32
VOCAB = 50257
EOS = 50256


def gpt2_tokenizer(llama_cpp: Path):
    sys.path.insert(0, str(llama_cpp / "gguf-py"))
    from gguf import GGUFReader
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    reader = GGUFReader(llama_cpp / "models" / "ggml-vocab-gpt-2.gguf")

    def strings(key: str) -> list[str]:
        field = reader.fields[key]
        return [bytes(field.parts[i]).decode("utf-8") for i in field.data]

    tokens = strings("tokenizer.ggml.tokens")
    merges = [tuple(m.split(" ")) for m in strings("tokenizer.ggml.merges")]
    bpe = Tokenizer(models.BPE(vocab={t: i for i, t in enumerate(tokens)}, merges=merges))
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.post_processor = processors.ByteLevel(trim_offsets=False)
    return PreTrainedTokenizerFast(
        tokenizer_object=bpe, bos_token="<|endoftext|>", eos_token="<|endoftext|>", unk_token="<|endoftext|>", add_bos_token=False
    )


def configs():
    import transformers as t

    common = dict(vocab_size=VOCAB, bos_token_id=EOS, eos_token_id=EOS)
    return {
        "gptj": t.GPTJConfig(n_positions=256, n_embd=64, n_layer=2, n_head=4, rotary_dim=8, **common),
        "llama": t.LlamaConfig(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                               num_key_value_heads=2, max_position_embeddings=256, **common),
        "qwen2": t.Qwen2Config(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                               num_key_value_heads=2, max_position_embeddings=256, tie_word_embeddings=False, **common),
        "mpt": t.MptConfig(d_model=64, n_heads=4, n_layers=2, expansion_ratio=4, max_seq_len=256, **common),
        "falcon": t.FalconConfig(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, multi_query=True,
                                 parallel_attn=True, bias=False, alibi=False, new_decoder_architecture=False,
                                 max_position_embeddings=256, **common),
        "gptbigcode": t.GPTBigCodeConfig(n_embd=64, n_layer=2, n_head=4, n_positions=256, multi_query=True, **common),
        # Variants the upstream converter got wrong: Falcon 2's shape (grouped KV heads, one norm,
        # a RoPE base and feed-forward size of its own) and StarCoder without multi-query.
        "falcon2": t.FalconConfig(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_kv_heads=2,
                                  new_decoder_architecture=True, num_ln_in_parallel_attn=1, rope_theta=500042.0,
                                  ffn_hidden_size=192, bias=False, alibi=False, max_position_embeddings=256, **common),
        "gptbigcode-mha": t.GPTBigCodeConfig(n_embd=64, n_layer=2, n_head=4, n_positions=256, multi_query=False,
                                             n_inner=96, **common),
    }


# Checkpoints llama.cpp cannot run as they are: the converter must refuse them (no reference).
def refused_configs():
    import transformers as t

    common = dict(vocab_size=VOCAB, bos_token_id=EOS, eos_token_id=EOS)
    return {
        "falcon-alibi": t.FalconConfig(hidden_size=64, num_hidden_layers=2, num_attention_heads=4, alibi=True, **common),
        "gptj-exact-gelu": t.GPTJConfig(n_positions=256, n_embd=64, n_layer=2, n_head=4, rotary_dim=8,
                                        activation_function="gelu", **common),
    }


def randomize(model: torch.nn.Module) -> None:
    """Weights at unit activation scale (1/sqrt(fan_in)), so that the logits differ by much more
    than float32 rounding and greedy choices are not near-ties; norms and biases random too, so a
    converter or graph that dropped one would change the output."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() >= 2:
                p.normal_(0.0, 1.0 / math.sqrt(p.shape[-1]))
            elif name.endswith("weight"):
                p.normal_(1.0, 0.1)
            else:
                p.normal_(0.0, 0.1)


def main() -> None:
    llama_cpp, out = Path(sys.argv[1]), Path(sys.argv[2])
    import transformers as t

    torch.set_num_threads(2)
    tokenizer = gpt2_tokenizer(llama_cpp)
    reference = {}
    for seed, (name, config) in enumerate(configs().items()):
        torch.manual_seed(1000 + seed)
        model = t.AutoModelForCausalLM.from_config(config, dtype=torch.float32)
        randomize(model)
        model.eval()
        model.generation_config.pad_token_id = EOS
        directory = out / name
        model.save_pretrained(directory, safe_serialization=True)
        tokenizer.save_pretrained(directory)
        cases = []
        for i, prompt in enumerate(PROMPTS):
            encoded = tokenizer(prompt, return_tensors="pt")
            ids = encoded.input_ids
            with torch.no_grad():
                logits = model(ids).logits[0, -1].to(torch.float32).numpy()
                generated = model.generate(ids, attention_mask=encoded.attention_mask, max_new_tokens=NEW_TOKENS, do_sample=False, num_beams=1)[0, ids.shape[1]:]
            logits_file = out / f"{name}-{i}.f32"
            logits.astype("<f4").tofile(logits_file)
            cases.append({"prompt": prompt, "ids": ids[0].tolist(), "generated": generated.tolist(), "logits": logits_file.name})
        reference[name] = {"architecture": type(model).__name__,
                           "dir": str(directory), "cases": cases}
    for name, config in refused_configs().items():
        model = t.AutoModelForCausalLM.from_config(config, dtype=torch.float32)
        model.save_pretrained(out / name, safe_serialization=True)
        tokenizer.save_pretrained(out / name)
        reference[name] = {"architecture": type(model).__name__, "dir": str(out / name), "cases": [], "refused": True}
    (out / "reference.json").write_text(json.dumps(reference, indent=1))


if __name__ == "__main__":
    main()
