"""The package version, in a module of its own so that modules inside ``kg`` can read it without
importing the package root (which would close an import loop through its lazy attributes)."""

__version__ = "0.1.0"
