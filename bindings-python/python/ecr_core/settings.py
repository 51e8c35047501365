"""The settings a repository really gets from registry-wide rules (creation templates, registry scanning,
replication, pull-through cache), and the registry audit."""

from ._native import (
    audit_registry,
    effective_settings,
)

__all__ = [
    "audit_registry",
    "effective_settings",
]
