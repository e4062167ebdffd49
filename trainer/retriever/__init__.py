"""The retrieval encoder: a fastText-style bag of hashed word, word-pair and character n-gram
features, pooled by learned weights and projected, trained contrastively (README.md)."""
