"""transformers' own MPT class name: a plug-in of @gpt4all/convert.

MosaicML's checkpoints name their remote-code class `MPTForCausalLM`, which the vendored
converter knows; transformers' built-in port saves `MptForCausalLM` with the same configuration
keys and tensor names. Replit's code models are MPT-shaped too. Imported by gpt4all_convert.py as
`conversion.gpt4all_mpt`.
"""
from __future__ import annotations

from conversion.base import ModelBase
from conversion.mpt import MPTModel

ModelBase.register("MptForCausalLM")(MPTModel)
