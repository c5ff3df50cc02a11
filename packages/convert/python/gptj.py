"""GPT-J for llama.cpp's Hugging Face converter: a plug-in of @gpt4all/convert.

The vendored converter has no GPT-J class, though gguf-py names the architecture and its
tensors (MODEL_ARCH.GPTJ, "transformer.h.{bid}.attn.q_proj" and the rest in tensor_mapping.py),
so this module only maps GPTJForCausalLM's hyperparameters. The graph that runs the result is
vendor/patches/0001-model-add-GPT-J-graph.patch. Imported by gpt4all_convert.py after the
converter is on sys.path, as the module `conversion.gpt4all_gptj`.
"""
from __future__ import annotations

from typing import Iterable, TYPE_CHECKING

from conversion.base import ModelBase, TextModel, gguf

if TYPE_CHECKING:
    from torch import Tensor


@ModelBase.register("GPTJForCausalLM")
@ModelBase.example("EleutherAI/gpt-j-6b", "nomic-ai/gpt4all-j")
class GPTJModel(TextModel):
    model_arch = gguf.MODEL_ARCH.GPTJ

    def set_vocab(self):
        # GPT-J uses GPT-2's byte-level BPE tokenizer.
        self._set_vocab_gpt2()

    def set_gguf_parameters(self):
        n_embd = self.hparams["n_embd"]
        n_head = self.hparams["n_head"]
        activation = self.hparams.get("activation_function", "gelu_new")
        # ggml's GELU is the tanh approximation, which is what gelu_new is.
        if activation not in ("gelu_new", "gelu_pytorch_tanh"):
            raise NotImplementedError(f"GPT-J with activation_function={activation!r}: llama.cpp's graph computes GELU's tanh form (gelu_new)")
        self.gguf_writer.add_context_length(self.hparams["n_positions"])
        self.gguf_writer.add_embedding_length(n_embd)
        self.gguf_writer.add_feed_forward_length(self.hparams.get("n_inner") or 4 * n_embd)
        self.gguf_writer.add_block_count(self.block_count)
        self.gguf_writer.add_head_count(n_head)
        self.gguf_writer.add_head_count_kv(n_head)
        self.gguf_writer.add_layer_norm_eps(self.hparams["layer_norm_epsilon"])
        # Rotary embedding on the first rotary_dim dimensions of each head (all when unset).
        self.gguf_writer.add_rope_dimension_count(self.hparams.get("rotary_dim") or n_embd // n_head)
        self.gguf_writer.add_rope_freq_base(10000.0)
        self.gguf_writer.add_file_type(self.ftype)

    def modify_tensors(self, data_torch: Tensor, name: str, bid: int | None) -> Iterable[tuple[str, Tensor]]:
        # The causal mask and its fill value, stored as buffers by older checkpoints: not weights.
        if name.endswith((".attn.bias", ".attn.masked_bias")):
            return
        yield from super().modify_tensors(data_torch, name, bid)
