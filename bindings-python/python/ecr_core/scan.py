"""Scan gating: findings read strictly, a typed policy, one pass/fail decision, JSON/SARIF/Markdown reports."""

from ._native import (
    ScanDecision,
    ScanPolicy,
    compare_severity,
    evaluate_findings,
    parse_findings,
    parse_findings_strict,
    parse_report_format,
    parse_severity,
    severities,
    severity_of_finding,
)

__all__ = [
    "ScanDecision",
    "ScanPolicy",
    "compare_severity",
    "evaluate_findings",
    "parse_findings",
    "parse_findings_strict",
    "parse_report_format",
    "parse_severity",
    "severities",
    "severity_of_finding",
]
