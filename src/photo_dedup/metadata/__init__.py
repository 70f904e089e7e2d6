"""Metadata: what each copy knows, and what a kept photo inherits from the copies removed."""
