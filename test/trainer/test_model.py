import torch

from trainer.config import ModelConfig
from trainer.model import LlamaForCausalLM


def make(**kw):
    d = dict(model_type="llama", vocab_size=97, hidden_size=48, intermediate_size=96, num_hidden_layers=2,
             num_attention_heads=6, num_key_value_heads=2, rope_theta=500.0, tie_word_embeddings=True)
    d.update(kw)
    torch.manual_seed(0)
    return LlamaForCausalLM(ModelConfig.from_hf(d)).init_weights(0).eval()


@torch.no_grad()
def test_cached_decode_equals_full_forward_with_left_padding():
    m = make()
    ids = torch.randint(0, 97, (2, 9))
    mask = torch.ones(2, 9, dtype=torch.long)
    mask[1, :4] = 0  # second row left-padded
    pos = (mask.cumsum(-1) - 1).clamp(min=0)
    full = m(ids, position_ids=pos, attention_mask=mask)
    logits, past = m(ids[:, :5], position_ids=pos[:, :5], attention_mask=mask[:, :5], use_cache=True)
    steps = [logits]
    for t in range(5, 9):
        lg, past = m(ids[:, t : t + 1], position_ids=pos[:, t : t + 1], attention_mask=mask[:, : t + 1], past_key_values=past, use_cache=True)
        steps.append(lg)
    cached = torch.cat(steps, dim=1)
    real = mask.bool()
    assert torch.allclose(full[real], cached[real], atol=1e-5)
    # The padded row must match the same prompt run alone without padding.
    alone = m(ids[1:, 4:])
    assert torch.allclose(full[1, 4:], alone[0], atol=1e-5)
    assert torch.isfinite(full).all()


@torch.no_grad()
def test_packed_documents_do_not_attend_to_each_other():
    m = make()
    a, b = torch.randint(0, 97, (1, 7)), torch.randint(0, 97, (1, 5))
    packed = torch.cat([a, b], dim=1)
    seg = torch.tensor([[0] * 7 + [1] * 5])
    pos = torch.tensor([list(range(7)) + list(range(5))])
    out = m(packed, position_ids=pos, segment_ids=seg)
    assert torch.allclose(out[:, :7], m(a), atol=1e-5)
    assert torch.allclose(out[:, 7:], m(b), atol=1e-5)
    # Without the segment ids the second document would see the first: the logits must differ.
    leaky = m(packed, position_ids=pos)
    assert (leaky[:, 7:] - m(b)).abs().max() > 1e-3


@torch.no_grad()
def test_variants_qwen2_bias_untied_mha():
    q = make(model_type="qwen2", tie_word_embeddings=False, num_key_value_heads=6)
    names = dict(q.named_parameters())
    assert "model.layers.0.self_attn.q_proj.bias" in names and "model.layers.0.self_attn.o_proj.bias" not in names
    assert "lm_head.weight" in names
    assert q(torch.randint(0, 97, (1, 4))).shape == (1, 4, 97)
    llama_bias = make(attention_bias=True)
    assert "model.layers.1.self_attn.o_proj.bias" in dict(llama_bias.named_parameters())


def test_tied_head_shares_the_embedding():
    m = make()
    assert "lm_head.weight" not in m.state_dict()
    assert m.head_weight() is m.model.embed_tokens.weight


def test_rope_theta_changes_the_model():
    ids = torch.randint(0, 97, (1, 12))
    with torch.no_grad():
        assert not torch.allclose(make(rope_theta=500.0)(ids), make(rope_theta=10000.0)(ids), atol=1e-4)


def test_gradient_checkpointing_gives_the_same_gradients():
    grads = []
    for ckpt in (False, True):
        m = make().train()
        m.gradient_checkpointing = ckpt
        ids = torch.randint(0, 97, (2, 10), generator=torch.Generator().manual_seed(1))
        seg = torch.tensor([[0] * 6 + [1] * 4, [0] * 10])
        m(ids, segment_ids=seg).logsumexp(-1).sum().backward()
        grads.append(torch.cat([p.grad.flatten() for p in m.parameters()]))
    assert torch.allclose(grads[0], grads[1], atol=1e-6)


@torch.no_grad()
def test_cached_decode_without_attention_mask():
    m = make()
    ids = torch.randint(0, 97, (1, 6))
    full = m(ids)
    _, past = m(ids[:, :4], use_cache=True)
    step, past = m(ids[:, 4:5], past_key_values=past, use_cache=True)
    assert torch.allclose(step[0, 0], full[0, 4], atol=1e-5)


def reference_llama_forward(m, ids):
    """Hugging Face's Llama computation written out plainly (repeat_kv, rotate_half, causal softmax)."""
    cfg = m.config
    B, T = ids.shape
    nh, nkv, hd = cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim
    inv_freq = 1.0 / (cfg.rope_theta ** (torch.arange(0, hd, 2).float() / hd))
    emb = torch.cat([torch.arange(T).float()[:, None] * inv_freq] * 2, dim=-1)  # (T, hd)
    cos, sin = emb.cos(), emb.sin()

    def rot(x):
        return torch.cat((-x[..., hd // 2 :], x[..., : hd // 2]), dim=-1)

    def norm(x, w, eps=cfg.rms_norm_eps):
        return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))

    x = m.model.embed_tokens.weight[ids]
    for layer in m.model.layers:
        a = layer.self_attn
        h = norm(x, layer.input_layernorm.weight)
        q = a.q_proj(h).view(B, T, nh, hd).transpose(1, 2)
        k = a.k_proj(h).view(B, T, nkv, hd).transpose(1, 2)
        v = a.v_proj(h).view(B, T, nkv, hd).transpose(1, 2)
        q, k = q * cos + rot(q) * sin, k * cos + rot(k) * sin
        k, v = k.repeat_interleave(nh // nkv, dim=1), v.repeat_interleave(nh // nkv, dim=1)
        att = (q @ k.transpose(-2, -1)) / hd**0.5
        att = att.masked_fill(~torch.ones(T, T, dtype=torch.bool).tril(), float("-inf")).softmax(-1)
        x = x + a.o_proj((att @ v).transpose(1, 2).reshape(B, T, nh * hd))
        h = norm(x, layer.post_attention_layernorm.weight)
        x = x + layer.mlp.down_proj(torch.nn.functional.silu(layer.mlp.gate_proj(h)) * layer.mlp.up_proj(h))
    return norm(x, m.model.norm.weight) @ m.head_weight().T


@torch.no_grad()
def test_matches_the_reference_llama_computation_with_grouped_query_attention():
    for kv_heads in (2, 6):  # grouped (3 query heads per key/value head) and plain multi-head
        m = make(num_key_value_heads=kv_heads)
        ids = torch.randint(0, 97, (2, 7))
        assert torch.allclose(m(ids), reference_llama_forward(m, ids), atol=1e-5)
