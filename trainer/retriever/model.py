"""RetrieverEncoder: text features -> one L2-normalised vector (pooling and normalisation are the
model's own, so every caller gets the same embedding from encode())."""

import torch
import torch.nn as nn
import torch.nn.functional as F

from .features import featurize


class RetrieverEncoder(nn.Module):
    def __init__(self, buckets: int, dim: int):
        super().__init__()
        self.buckets, self.dim = buckets, dim
        # Sparse: a batch touches a few thousand of the rows, so only those get optimiser updates.
        self.embed = nn.Embedding(buckets, dim, sparse=True)
        self.gate = nn.Embedding(buckets, 1, sparse=True)  # learned log-weight of each feature
        self.proj = nn.Linear(dim, dim)
        nn.init.normal_(self.embed.weight, 0.0, 0.1)
        nn.init.zeros_(self.gate.weight)
        nn.init.eye_(self.proj.weight)
        nn.init.zeros_(self.proj.bias)

    def forward(self, feature_ids: torch.Tensor, feature_weights: torch.Tensor) -> torch.Tensor:
        # feature_ids (B, L) int64, feature_weights (B, L) float: 0 marks padding
        present = feature_weights > 0
        logits = self.gate(feature_ids).squeeze(-1) + torch.log(feature_weights.clamp_min(1e-9))  # (B, L)
        logits = logits.masked_fill(~present, -1e9)
        attention = torch.softmax(logits, dim=-1) * present  # (B, L); an empty text pools to zeros
        if torch.onnx.is_in_onnx_export():
            # The served graph: a gather and a weighted sum, which onnxruntime runs as plain kernels.
            pooled = (attention.unsqueeze(-1) * self.embed(feature_ids)).sum(1)  # (B, C)
        else:
            # Training: one bag of the present features per text. Padding every text to the longest
            # (a long answer makes L several hundred) made the (B, L, C) tensors of the gather and
            # their sparse gradient rows most of a training step.
            counts = present.sum(1)  # (B,)
            pooled = F.embedding_bag(
                feature_ids[present], self.embed.weight, counts.cumsum(0) - counts, mode="sum",
                per_sample_weights=attention[present], sparse=True,
            )  # (B, C)
        return F.normalize(self.proj(pooled), dim=-1, eps=1e-6)  # (B, C)


def batch_features(texts: list, buckets: int, cache: dict | None = None) -> tuple:
    """Pads featurised texts to one (B, L) pair of tensors."""
    feats = []
    for t in texts:
        f = cache.get(t) if cache is not None else None
        if f is None:
            f = featurize(t, buckets)
            if cache is not None:
                cache[t] = f
        feats.append(f)
    width = max(1, max(len(ids) for ids, _ in feats))
    ids = torch.zeros(len(feats), width, dtype=torch.long)
    weights = torch.zeros(len(feats), width)
    for i, (fi, fw) in enumerate(feats):
        if fi:
            ids[i, : len(fi)] = torch.tensor(fi)
            weights[i, : len(fw)] = torch.tensor(fw)
    return ids, weights


@torch.no_grad()
def encode(model: RetrieverEncoder, texts: list, batch_size: int = 256) -> torch.Tensor:
    was_training = model.training
    model.eval()
    out = [model(*batch_features(texts[i : i + batch_size], model.buckets)) for i in range(0, len(texts), batch_size)]
    model.train(was_training)
    return torch.cat(out) if out else torch.zeros(0, model.dim)
