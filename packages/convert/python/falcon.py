"""Falcon checkpoints written by transformers: a plug-in of @gpt4all/convert.

transformers' FalconConfig stores `num_kv_heads` equal to `num_attention_heads` when it is not
given, also for the Falcon-7B layout (`multi_query` without `new_decoder_architecture`), where
FalconAttention uses one key/value head whatever the field says. The vendored converter trusts
the field and fails to split the fused QKV tensor ("shape ... is invalid"). Imported by
gpt4all_convert.py as `conversion.gpt4all_falcon`.
"""
from __future__ import annotations

from conversion.base import ModelBase, gguf
from conversion.falcon import FalconModel


@ModelBase.register("FalconForCausalLM", "RWForCausalLM")
class MultiQueryAwareFalconModel(FalconModel):
    model_arch = gguf.MODEL_ARCH.FALCON

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.hparams.get("multi_query", True) and not self.hparams.get("new_decoder_architecture", False):
            self.hparams["num_kv_heads"] = 1
