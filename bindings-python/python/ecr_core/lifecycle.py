"""ECR lifecycle policies validated and evaluated offline, as ECR would expire or archive."""

from ._native import (
    LifecycleImages,
    LifecyclePolicy,
    LifecyclePreview,
    LifecycleReport,
)

__all__ = [
    "LifecycleImages",
    "LifecyclePolicy",
    "LifecyclePreview",
    "LifecycleReport",
]
