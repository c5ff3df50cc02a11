"""StarCoder (GPTBigCode) checkpoints as llama.cpp runs them: a plug-in of @gpt4all/convert.

The vendored converter writes one key/value head and a feed-forward size of 4 x n_embd whatever
the checkpoint says; a GPTBigCode model with `multi_query=False` or `n_inner` set then fails to
load. This class writes the checkpoint's own, reorders the fused QKV projection of a
multi-head checkpoint (GPTBigCode keeps q, k and v together per head; llama.cpp wants all queries,
then all keys, then all values), and refuses an activation llama.cpp's graph does not compute (it
uses GELU's tanh form). Imported by gpt4all_convert.py as
`conversion.gpt4all_starcoder`.
"""
from __future__ import annotations

from typing import Iterable, TYPE_CHECKING

from conversion.base import ModelBase, gguf
from conversion.starcoder import StarCoderModel

if TYPE_CHECKING:
    from torch import Tensor


@ModelBase.register("GPTBigCodeForCausalLM")
class CheckedStarCoderModel(StarCoderModel):
    model_arch = gguf.MODEL_ARCH.STARCODER

    def set_gguf_parameters(self):
        h = self.hparams
        activation = h.get("activation_function", "gelu_pytorch_tanh")
        if activation not in ("gelu_pytorch_tanh", "gelu_new"):
            raise NotImplementedError(f"GPTBigCode with activation_function={activation!r}: llama.cpp's StarCoder graph computes GELU's tanh form")
        self.gguf_writer.add_context_length(h["n_positions"])
        self.gguf_writer.add_embedding_length(h["n_embd"])
        self.gguf_writer.add_feed_forward_length(h.get("n_inner") or 4 * h["n_embd"])
        self.gguf_writer.add_block_count(self.block_count)
        self.gguf_writer.add_head_count(h["n_head"])
        self.gguf_writer.add_head_count_kv(1 if h.get("multi_query", True) else h["n_head"])
        self.gguf_writer.add_layer_norm_eps(h["layer_norm_epsilon"])
        self.gguf_writer.add_file_type(self.ftype)

    def modify_tensors(self, data_torch: Tensor, name: str, bid: int | None) -> Iterable[tuple[str, Tensor]]:
        if not self.hparams.get("multi_query", True) and name.endswith((".attn.c_attn.weight", ".attn.c_attn.bias")):
            n_head = self.hparams["n_head"]
            head_dim = self.hparams["n_embd"] // n_head
            rest = data_torch.shape[1:]
            # (n_head, [q k v], head_dim, ...) -> ([q k v], n_head, head_dim, ...)
            data_torch = data_torch.reshape(n_head, 3, head_dim, *rest).transpose(0, 1).reshape(3 * n_head * head_dim, *rest)
        yield from super().modify_tensors(data_torch, name, bid)
