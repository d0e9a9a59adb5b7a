"""Bundled Indonesian Stanza models (see MODEL_CARD.md)."""
