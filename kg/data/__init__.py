"""Gazetteers and alias tables shipped as data."""
