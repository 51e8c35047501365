"""Typed ECR image references and registry hosts, and the grammar checks."""

from ._native import (
    ImageReference,
    RegistryHost,
    parse_reference,
    partition_of_region,
    validate_digest,
    validate_repository_name,
    validate_tag,
)

__all__ = [
    "ImageReference",
    "RegistryHost",
    "parse_reference",
    "partition_of_region",
    "validate_digest",
    "validate_repository_name",
    "validate_tag",
]
