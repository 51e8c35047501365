"""The tags a build should carry and the policy that rejects untraceable or unsafe tag plans."""

from ._native import (
    PlanReport,
    TagStrategy,
    apply_build_metadata,
    build_context_from_env,
    check_plan,
    describe_build_context,
    fit_tag,
    highest_released,
    is_prerelease,
    is_reserved_tag,
    may_roll_to,
    normalize_git_ref,
    parse_version,
    replace_illegal_runs,
    wildcard_match,
)

__all__ = [
    "PlanReport",
    "TagStrategy",
    "apply_build_metadata",
    "build_context_from_env",
    "check_plan",
    "describe_build_context",
    "fit_tag",
    "highest_released",
    "is_prerelease",
    "is_reserved_tag",
    "may_roll_to",
    "normalize_git_ref",
    "parse_version",
    "replace_illegal_runs",
    "wildcard_match",
]
