"""Typed shapes of the dicts ecr_core returns and accepts (ECR's camelCase JSON).

These are ``TypedDict`` classes: at run time the values are plain ``dict`` objects, equal to the JSON the
example programs print. Timestamps are RFC 3339 strings.
"""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Optional, TypedDict

__all__ = [
    "FieldError",
    "ImageDetail",
    "ImageId",
    "Repository",
    "RepositorySettings",
    # auth, tagging, verify
    "AuditReport",
    "AwsIdentity",
    "CheckResult",
    "CredentialsDict",
    "Drift",
    "EnsureOptions",
    "EnsureOutcome",
    "MergeOutcome",
    "PlannedTag",
    "PlatformDigest",
    "PolicyFinding",
    "PushVerification",
    "ReplicationStatus",
    "RepositoryTagState",
    "TagViolation",
    "VerifyReport",
    # registry protocol, individual verify checks, tag plan check
    "FetchedImage",
    "FetchedManifest",
    "ImageConfigDict",
    "ImageFailure",
    "ImageLookup",
    "PlanCheck",
    "Referrer",
    "RepositoryScanning",
    "ResolvedTags",
    "TagPlan",
    "TagResolution",
    "VerifyFinding",
    # signatures
    "AttestationRule",
    "SignaturePolicy",
    "SignatureReason",
    "SignatureReport",
    "SignatureRequirement",
    "SignerRule",
    # scan + lifecycle
    "ExpireFailure",
    "ExpireReport",
    "LifecyclePolicyWarning",
    "LifecycleValidation",
    "ResolvedImage",
    "ScanProgress",
    "ScanWaitOutcome",
    # reference builders, check policy table, severities, report formats
    "CheckLevel",
    "CheckName",
    "CheckPolicyTable",
    "PartitionInfo",
    # semver helpers, build context facts
    "ParsedVersion",
    "BuildContextFacts",
    "ReportFormat",
    "Severity",
]


class FieldError(TypedDict):
    """One problem of a policy document: its JSON path and what is wrong."""

    path: str
    message: str


class ImageId(TypedDict, total=False):
    """A tag or a digest naming one image (``imageDigest`` and/or ``imageTag``)."""

    imageDigest: str
    imageTag: str


class _RepositoryRequired(TypedDict):
    repositoryName: str
    repositoryArn: str
    registryId: str
    repositoryUri: str
    imageTagMutability: str
    imageTagMutabilityExclusionFilters: List[str]
    scanOnPush: bool
    encryptionType: str


class Repository(_RepositoryRequired, total=False):
    """A repository as DescribeRepositories reports it."""

    createdAt: str
    kmsKey: str


class _ImageDetailRequired(TypedDict):
    imageDigest: str
    imageTags: List[str]
    imageStatus: str


class ImageDetail(_ImageDetailRequired, total=False):
    """One image as DescribeImages reports it."""

    registryId: str
    repositoryName: str
    imageSizeInBytes: int
    imagePushedAt: str
    imageManifestMediaType: str
    artifactMediaType: str
    lastRecordedPullTime: str
    lastArchivedAt: str
    lastActivatedAt: str
    subjectManifestDigest: str


class RepositorySettings(TypedDict, total=False):
    """Settings of a new repository; missing keys keep the recommended values."""

    tagMutability: str
    exclusionFilters: List[str]
    scanOnPush: bool
    kmsKey: Optional[str]


class CredentialsDict(TypedDict):
    """``RegistryCredentials.to_dict()``: everything but the password."""

    host: str
    username: str
    expiresAt: str
    proxyEndpoint: Optional[str]
    region: Optional[str]


class AwsIdentity(TypedDict):
    """What is known about the AWS credentials in use, without any secret."""

    source: str
    accessKeyKind: str
    hasSessionToken: bool
    expiresAt: Optional[str]


class MergeOutcome(TypedDict):
    """What a docker config merge did (``shadowedBy``: the helper docker would use instead)."""

    key: str
    replaced: bool
    shadowedBy: Optional[str]


class PlannedTag(TypedDict):
    """One planned tag: its value, ``immutable`` or ``rolling``, and the rule that produced it."""

    value: str
    kind: str
    rule: str


class TagViolation(TypedDict, total=False):
    """A violation or warning of a tag plan check."""

    code: str
    message: str
    tag: Optional[str]


class RepositoryTagState(TypedDict, total=False):
    """What the tag checks read from a repository."""

    mutability: str
    exclusionFilters: List[str]
    imageDetails: List[ImageDetail]


class _CheckResultRequired(TypedDict):
    check: str
    level: str
    status: str
    message: str


class CheckResult(_CheckResultRequired, total=False):
    """One check of a verification or audit report (``details`` when the check has any)."""

    details: Any


class VerifyReport(TypedDict):
    """A verification or audit report: the ``verify_push`` / ``audit_repository`` programs' JSON."""

    subject: str
    passed: bool
    checks: List[CheckResult]


class PlatformDigest(TypedDict):
    """A platform manifest of an index."""

    platform: str
    digest: str


class PushVerification(TypedDict):
    """What ``verify_push`` returns."""

    report: VerifyReport
    mediaType: Optional[str]
    platforms: List[PlatformDigest]


class AuditReport(TypedDict):
    """Every repository's audit."""

    passed: bool
    repositories: List[VerifyReport]


class EnsureOptions(TypedDict, total=False):
    """What ``ensure_repository`` ensures; missing keys keep the defaults."""

    settings: RepositorySettings
    lifecyclePolicy: Optional[str]
    apply: bool


class Drift(TypedDict):
    """One setting that differs from what was asked, and whether it was fixed."""

    setting: str
    expected: str
    actual: str
    fixed: bool


class EnsureOutcome(TypedDict):
    """What ``ensure_repository`` did."""

    repository: Repository
    created: bool
    drift: List[Drift]


class ReplicationStatus(TypedDict, total=False):
    """The replication status of an image in one destination."""

    region: str
    registryId: str
    status: str
    failureCode: Optional[str]



class PolicyFinding(TypedDict):
    """A repository-policy statement the audit flags."""

    statement: str
    principal: str
    actions: List[str]
    message: str
# scan + lifecycle


class ScanProgress(TypedDict):
    """What a scan-wait progress callback receives after each poll."""

    image: str
    status: str
    elapsed: float
    polls: int
    stablePolls: int
    findings: int
    counts: Dict[str, int]


class ScanWaitOutcome(TypedDict):
    """The result of ``wait_for_scan``: the merged findings and how the wait went."""

    scan: Dict[str, Any]
    polls: int
    elapsed: float
    startedScan: bool


class _ResolvedImageRequired(TypedDict):
    repository: str
    digest: str
    children: List[Dict[str, str]]


class ResolvedImage(_ResolvedImageRequired, total=False):
    """A tag or digest resolved to its digest, media type and platform children (for an index)."""

    mediaType: str


class LifecyclePolicyWarning(TypedDict):
    """A lint warning: valid but probably not what was meant."""

    kind: str
    path: str
    message: str


class LifecycleValidation(TypedDict):
    """The ``lifecycle_preview --validate-only`` document."""

    errors: List[FieldError]
    warnings: List[LifecyclePolicyWarning]


class ExpireFailure(TypedDict):
    """One image ``expire_images`` could not delete."""

    imageDigest: str
    failureCode: str
    failureReason: str


class ExpireReport(TypedDict):
    """What ``expire_images`` did (or, in a dry run, would do)."""

    dryRun: bool
    requested: List[str]
    deleted: List[str]
    failures: List[ExpireFailure]
    batches: int


# --- registry protocol, individual verify checks, tag plan check ---


class VerifyFinding(TypedDict):
    """What one verification check found, before its level is applied (``check_*`` functions)."""

    ok: bool
    message: str
    details: Any


class FetchedManifest(TypedDict):
    """A manifest read over the registry protocol: the exact bytes served and their sha256 digest."""

    digest: str
    bytes: bytes


class _FetchedImageRequired(TypedDict):
    imageId: ImageId
    digest: str
    manifest: str


class FetchedImage(_FetchedImageRequired, total=False):
    """One image BatchGetImage returned, with the exact manifest text."""

    mediaType: str


class ImageFailure(TypedDict):
    """One id BatchGetImage could not return."""

    imageId: ImageId
    code: str
    reason: str


class ImageLookup(TypedDict):
    """What ``batch_get_images`` returns."""

    images: List[FetchedImage]
    failures: List[ImageFailure]


class TagResolution(TypedDict):
    """Each expected tag's outcome: ``ok`` tags, and ``problems`` keyed by tag (``{"problem", ...}``)."""

    ok: List[str]
    problems: Dict[str, Dict[str, Any]]


class ResolvedTags(TypedDict):
    """What ``resolve_tags`` returns (``finding``: the tags check of ``verify_push``)."""

    lookup: ImageLookup
    resolution: TagResolution
    finding: VerifyFinding


class _ReferrerRequired(TypedDict):
    digest: str
    mediaType: str
    size: int


class Referrer(_ReferrerRequired, total=False):
    """One referrer (signature, SBOM, ...) of an image."""

    artifactType: str
    annotations: Dict[str, str]
    artifactStatus: str


class ImageConfigDict(TypedDict):
    """``ImageConfig.to_dict()``: never the environment."""

    platform: Optional[Dict[str, str]]
    user: str
    labels: Dict[str, str]
    healthcheck: Optional[List[str]]


class _TagPlanRequired(TypedDict):
    tags: List[PlannedTag]
    labels: Dict[str, str]


class TagPlan(_TagPlanRequired, total=False):
    """A raw tag plan (``TagStrategy.plan_tags``), before the policy check."""

    version: str
    annotations: Dict[str, str]
    violations: List[TagViolation]
    warnings: List[TagViolation]


class PlanCheck(TypedDict):
    """What ``check_plan`` returns."""

    violations: List[TagViolation]
    warnings: List[TagViolation]


class RepositoryScanning(TypedDict):
    """The effective scanning configuration of a repository (``repository_scanning``)."""

    scanFrequency: Optional[str]
    scanOnPush: bool
    appliedFilters: List[str]


# --- reference builders, check policy table, severities, report formats ---


class PartitionInfo(TypedDict):
    """The AWS partition of a region (``partition_of_region``)."""

    name: str
    dnsSuffix: str
    dualStackDnsSuffix: Optional[str]


Severity = Literal["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNTRIAGED", "UNDEFINED"]
"""A finding severity in ECR's spelling, most severe first (``severities()``)."""

ReportFormat = Literal["json", "sarif", "markdown"]
"""A ``scan_gate`` report format (``ScanDecision.render``, ``parse_report_format``)."""

CheckName = Literal[
    "tags", "integrity", "platforms", "non-root", "labels", "no-secrets", "healthcheck", "replication", "referrers"
]
"""The stable name of a ``verify_push`` check."""

CheckLevel = Literal["required", "warn", "skip"]
"""How much a check matters."""

CheckPolicyTable = Dict[CheckName, CheckLevel]
"""The level of every check (``default_check_policy()``, ``check_policy()``, ``verify_push(checks=...)``)."""


# --- semver helpers, build context facts ---


class ParsedVersion(TypedDict):
    """A version as ``parse_version`` reads it (``v1.2.3-rc.1+b7`` → ``1.2.3-rc.1+b7``)."""

    version: str
    major: int
    minor: int
    patch: int
    pre: str
    build: str
    prerelease: bool


class BuildContextFacts(TypedDict):
    """What a build context implies (``describe_build_context``)."""

    ref: Optional[str]
    branch: Optional[str]
    tag: Optional[str]
    pullRequest: Optional[int]
    event: Literal["push", "pull_request", "schedule", "manual"]
    isDefaultBranch: bool
    shortSha: Optional[str]


# --- signatures (verify_signatures) ---

SignatureReason = Literal[
    "missing", "subject-mismatch", "digest-mismatch", "bad-signature", "untrusted-key", "untrusted-certificate",
    "expired", "identity-mismatch", "issuer-mismatch", "transparency-log", "no-signing-time",
    "predicate-mismatch", "malformed", "unsupported"
]
"""Why a signature or attestation did not count, or why a requirement failed."""


class SignerRule(TypedDict, total=False):
    """Who may sign: ``{"type": "key", "key": NAME}``, ``{"type": "keyless", "identity" | "identityRegex",
    "issuer"}`` or ``{"type": "notation", "identity": ARN-or-subject}``."""

    type: Literal["key", "keyless", "notation"]
    key: str
    identity: str
    identityRegex: str
    issuer: str


class _AttestationRuleRequired(TypedDict):
    predicateType: str


class AttestationRule(_AttestationRuleRequired, total=False):
    """An attestation the image must carry, signed by an allowed signer; SLSA provenance fields must match."""

    builderId: str
    sourceRepository: str
    sourceRef: str


class SignaturePolicy(TypedDict, total=False):
    """The signature gate's policy (``verify_signatures(policy=...)``); unknown keys are refused."""

    signers: List[SignerRule]
    attestations: List[AttestationRule]
    scope: Literal["index", "eachPlatform", "both"]
    onMissing: Literal["fail", "warn"]
    onExpired: Literal["fail", "warn"]
    onUnverifiable: Literal["fail", "warn"]


class _SignatureRequirementRequired(TypedDict):
    subject: str
    requirement: str
    status: Literal["passed", "warned", "failed"]
    message: str


class SignatureRequirement(_SignatureRequirementRequired, total=False):
    """One requirement on one manifest (``SignatureDecision.requirements``)."""

    platform: str
    satisfiedBy: str
    reason: SignatureReason


class _SignatureReportRequired(TypedDict):
    schema: Literal["ecr-core/signature-decision/v1"]
    digest: str
    passed: bool
    requirements: List[SignatureRequirement]
    evidence: List[Dict[str, Any]]
    policy: SignaturePolicy


class SignatureReport(_SignatureReportRequired, total=False):
    """The ``verify_signatures`` JSON report (``SignatureDecision.to_dict()``)."""

    signingStatus: List[Dict[str, Any]]
