"""A tiny LTX-architecture text-to-video pipeline with random weights, built offline in code, and its
image-to-video build (the same components in LTXImageToVideoPipeline).

Every code path is the real one (tokenizer, T5 encoder, LTX transformer, LTX VAE, flow-matching
scheduler); only the sizes are tiny and the weights random, so the pictures are noise: coloured 32x32 tiles,
because the VAE's weights are set in code to encode each block's mean colour and decode it back
(generation/runtime/tiny_vae.py). So an image-to-video render's first frame is its image at 1/32 resolution.
"""

from __future__ import annotations

import string

import torch
from diffusers import (
    AutoencoderKLLTXVideo,
    FlowMatchEulerDiscreteScheduler,
    LTXImageToVideoPipeline,
    LTXPipeline,
    LTXVideoTransformer3DModel,
)
from transformers import PreTrainedTokenizerFast, T5Config, T5EncoderModel, T5Tokenizer

from generation.runtime.tiny_vae import make_block_autoencoder

WEIGHT_SEED = 0
MAX_TEXT_TOKENS = 128


def build_tokenizer(max_length: int = MAX_TEXT_TOKENS) -> T5Tokenizer:
    """A Unigram T5 tokenizer over letters, digits and punctuation (no download)."""
    vocab = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("\u2581", -2.0)]
    for char in string.ascii_letters + string.digits + string.punctuation:
        vocab.append(("\u2581" + char, -3.0))
        vocab.append((char, -4.0))
    return T5Tokenizer(vocab=vocab, extra_ids=0, model_max_length=max_length)


def build_chat_tokenizer(max_length: int = 2048) -> PreTrainedTokenizerFast:
    """A character-level tokenizer with a chat template (for pipelines whose text encoder is a chat model,
    such as HunyuanVideo 1.5's Qwen2.5-VL), built offline in code."""
    from tokenizers import Tokenizer, models, pre_tokenizers

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    vocab = {
        token: i for i, token in enumerate(specials + list(string.ascii_letters + string.digits + string.punctuation))
    }
    model = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<|endoftext|>"))
    model.pre_tokenizer = pre_tokenizers.Split("", "isolated")
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=model,
        pad_token="<|endoftext|>",
        eos_token="<|im_end|>",
        bos_token="<|im_start|>",
        model_max_length=max_length,
    )
    tokenizer.chat_template = (
        "{% for m in messages %}<|im_start|>{{ m['role'] }}\n"
        "{{ m['content'] if m['content'] is string else m['content'][0]['text'] }}<|im_end|>\n{% endfor %}"
        "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
    )
    return tokenizer


def build_tiny_pipeline() -> LTXPipeline:
    """The same random weights in every process (seeded), about 0.2M parameters in all."""
    tokenizer = build_tokenizer()
    torch.manual_seed(WEIGHT_SEED)
    text_encoder = T5EncoderModel(
        T5Config(
            vocab_size=len(tokenizer),
            d_model=32,
            d_kv=8,
            d_ff=37,
            num_layers=2,
            num_heads=4,
            relative_attention_num_buckets=8,
        )
    )
    transformer = LTXVideoTransformer3DModel(
        in_channels=8,
        out_channels=8,
        patch_size=1,
        patch_size_t=1,
        num_attention_heads=4,
        attention_head_dim=8,
        cross_attention_dim=32,
        num_layers=1,
        caption_channels=32,
    )
    # Patch size 4 and three space-time downsamplings: 32x spatial and 8x temporal compression,
    # like the real model, so full-size clips stay cheap. The decoder is kept small as well.
    vae = AutoencoderKLLTXVideo(
        latent_channels=8,
        block_out_channels=(8, 8, 8, 8),
        decoder_block_out_channels=(8, 8, 8, 8),
        layers_per_block=(1, 1, 1, 1, 1),
        decoder_layers_per_block=(1, 1, 1, 1, 1),
        spatio_temporal_scaling=(True, True, True, False),
        decoder_spatio_temporal_scaling=(True, True, True, False),
        decoder_inject_noise=(False, False, False, False, False),
        upsample_residual=(False, False, False, False),
        upsample_factor=(1, 1, 1, 1),
        patch_size=4,
        patch_size_t=1,
        encoder_causal=True,
        decoder_causal=False,
    )
    make_block_autoencoder(vae)  # a coarse but real autoencoder (generation/runtime/tiny_vae.py)
    pipe = LTXPipeline(
        transformer=transformer.eval(),
        vae=vae.eval(),
        scheduler=FlowMatchEulerDiscreteScheduler(),
        text_encoder=text_encoder.eval(),
        tokenizer=tokenizer,
    )
    pipe.set_progress_bar_config(disable=True)
    return pipe


def build_tiny_image_pipeline(text_pipe: LTXPipeline | None = None) -> LTXImageToVideoPipeline:
    """The tiny image-to-video build: the components of the tiny text-to-video pipeline (shared, not copied)."""
    pipe = LTXImageToVideoPipeline(**(text_pipe or build_tiny_pipeline()).components)
    pipe.set_progress_bar_config(disable=True)
    return pipe
