"""Falcon checkpoints as llama.cpp runs them: a plug-in of @gpt4all/convert.

The vendored converter's Falcon class writes a fixed context length and feed-forward size and no
RoPE base, and trusts `num_kv_heads`, which transformers' FalconConfig sets to
`num_attention_heads` also for the Falcon-7B layout (`multi_query` without
`new_decoder_architecture`), where FalconAttention uses one key/value head: the fused QKV tensor
then fails to split. This class writes what the checkpoint says, and refuses the variants
llama.cpp's Falcon graph cannot run (ALiBi, biases, sequential attention) instead of writing a
model that computes something else. Imported by gpt4all_convert.py as `conversion.gpt4all_falcon`.
"""
from __future__ import annotations

from conversion.base import ModelBase, gguf
from conversion.falcon import FalconModel


@ModelBase.register("FalconForCausalLM", "RWForCausalLM")
class CheckedFalconModel(FalconModel):
    model_arch = gguf.MODEL_ARCH.FALCON

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        h = self.hparams
        new_architecture = h.get("new_decoder_architecture", False)
        if h.get("alibi", False):
            raise NotImplementedError("Falcon with alibi=True: llama.cpp's Falcon graph uses rotary embeddings only")
        if h.get("bias", False):
            raise NotImplementedError("Falcon with bias=True: llama.cpp's Falcon graph has no linear-layer biases")
        if not new_architecture and not h.get("parallel_attn", True):
            raise NotImplementedError("Falcon with parallel_attn=False: llama.cpp's Falcon graph runs attention and the MLP in parallel")
        if h.get("multi_query", True) and not new_architecture:
            h["num_kv_heads"] = 1

    def set_gguf_parameters(self):
        h = self.hparams
        n_embd = h["hidden_size"]
        self.gguf_writer.add_context_length(h.get("max_position_embeddings") or 2048)
        self.gguf_writer.add_tensor_data_layout("jploski")  # the QKV layout modify_tensors writes
        self.gguf_writer.add_embedding_length(n_embd)
        self.gguf_writer.add_feed_forward_length(h.get("ffn_hidden_size") or 4 * n_embd)
        self.gguf_writer.add_block_count(self.block_count)
        self.gguf_writer.add_head_count(self.find_hparam(["num_attention_heads", "n_head"]))
        self.gguf_writer.add_head_count_kv(self.find_hparam(["num_kv_heads", "n_head_kv"], optional=True) or 1)
        self.gguf_writer.add_layer_norm_eps(h["layer_norm_epsilon"])
        self.gguf_writer.add_rope_freq_base(float(h.get("rope_theta") or 10000.0))
        self.gguf_writer.add_file_type(self.ftype)
