"""Type stubs of the native module ``ecr_core._native`` (checked against it by ``mypy.stubtest``)."""

import os
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from os import PathLike
from pathlib import Path
from typing import Any, ClassVar, Literal, NoReturn, final

from ecr_core.types import FieldError, ImageDetail, ImageId, Repository, RepositorySettings

# reference builders, check policy table, severities, report formats
from ecr_core.types import CheckLevel, CheckName, CheckPolicyTable, PartitionInfo, ReportFormat, Severity

# auth, tagging, verify
from ecr_core.types import (
    AuditReport,
    AwsIdentity,
    CredentialsDict,
    EnsureOptions,
    EnsureOutcome,
    MergeOutcome,
    PlannedTag,
    PlatformDigest,
    PolicyFinding,
    PushVerification,
    ReplicationStatus,
    RepositoryTagState,
    TagViolation,
    VerifyReport,
)

# inventory of images in use
from ecr_core.inventory import DiscoverOptions, InUsePreview, Inventory, InventoryFile, RegistryInUseReport

# scan + lifecycle
from ecr_core.types import (
    EcrLifecyclePreview,
    ExpireReport,
    LifecyclePolicyWarning,
    LifecycleValidation,
    ResolvedImage,
    ScanProgress,
    ScanWaitOutcome,
)

# semver helpers, build context facts
from ecr_core.types import BuildContextFacts, ParsedVersion

# the line a rolling tag follows (latest, {{major}}, {{major}}.{{minor}}); what a `+` becomes
_VersionLine = Literal["all", "major", "minor"]
_BuildMetadataRule = Literal["underscore", "hyphen", "drop", "reject"]

# registry protocol, individual verify checks, tag plan check
from ecr_core.types import (
    FetchedImage,
    FetchedManifest,
    ImageConfigSummary,
    ImageLookup,
    PlanCheck,
    Referrer,
    ResolvedTags,
    RepositoryScanning,
    TagPlan,
    VerifyFinding,
)
from ecr_core.types import SignaturePolicyInput, SignatureReport, SignatureRequirement

_Now = str | datetime | None
_Checks = Mapping[CheckName, CheckLevel] | Mapping[str, str]
_Pages = str | Mapping[str, Any] | Sequence[Mapping[str, Any]]
_Images = LifecycleImages | str | Sequence[Mapping[str, Any]] | Mapping[str, Any]

__all__ = [
    "AccessDeniedError",
    "AsyncEcrClient",
    "ERROR_CODES",
    "EcrClient",
    "EcrError",
    "ImageNotFoundError",
    "InvalidArgumentError",
    "InvalidCredentialsError",
    "InvalidReferenceError",
    "IoError",
    "LifecyclePolicyNotFoundError",
    "LimitExceededError",
    "LongLivedCredentialsError",
    "NoCredentialsError",
    "NoRegionError",
    "OperationTimeoutError",
    "PolicyValidationError",
    "RefusedError",
    "RegistryError",
    "RepositoryNotFoundError",
    "ScanNotFoundError",
    "ScanTimeoutError",
    "ServiceError",
    "ThrottledError",
    "TransportError",
    "WrongRegionError",
    "__version__",
    "_panic",
    "_panic_async",
    "_raise_sample_error",
    "parse_reference",
    "ImageReference",
    "RegistryHost",
    # auth, tagging, verify, reference checks
    "AsyncAuthenticator",
    "Authenticator",
    "HelperOutput",
    "PlanReport",
    "RegistryCredentials",
    "TagStrategy",
    "build_context_from_env",
    "analyse_repository_policy",
    "build_record",
    "audit_registry",
    "effective_settings",
    "default_docker_config_path",
    "default_lifecycle_policy",
    "helper_version_line",
    "merge_auth_entry",
    "registry_region",
    "registry_hosts",
    "sha256_digest",
    "validate_digest",
    "validate_lifecycle_policy_text",
    "validate_repository_name",
    "validate_tag",
    "wildcard_match",
    "write_docker_config",
    # scan + lifecycle
    "LifecycleImages",
    "LifecyclePolicy",
    "LifecyclePreview",
    "LifecycleReport",
    "ScanDecision",
    "ScanPolicy",
    "SignatureDecision",
    "evaluate_findings",
    "parse_findings",
    # registry protocol, individual verify checks, auth clock/refresh/disk cache, tag plan check
    "AsyncRegistryClient",
    "DiskCache",
    "ImageConfig",
    "RefreshPolicy",
    "RegistryClient",
    "check_healthcheck",
    "check_integrity",
    "check_labels",
    "check_non_root",
    "check_plan",
    "check_referrers",
    "check_replication",
    "check_secrets",
    "compare_platforms",
    "index_children",
    "is_root_user",
    "parse_manifest",
    "secret_like_env_names",
    "check_credential_policy",
    "fit_tag",
    "is_reserved_tag",
    "normalize_platform",
    "replace_illegal_runs",
    "parse_version",
    "is_prerelease",
    "highest_released",
    "may_roll_to",
    "apply_build_metadata",
    "describe_build_context",
    "normalize_git_ref",
    "check_names",
    "check_policy",
    "compare_severity",
    "default_check_policy",
    "is_long_lived",
    "parse_findings_strict",
    "parse_report_format",
    "parse_severity",
    "partition_of_region",
    "severities",
    "severity_of_finding",
    # inventory of images in use
    "inventory_from_files",
    "merge_inventories",
    "preview_with_inventory",
    "read_inventory",
]

__version__: str
ERROR_CODES: tuple[str, ...]

class EcrError(Exception):
    """Base class of every error raised by ecr_core."""

    code: ClassVar[str]
    request_id: ClassVar[str | None]

class InvalidReferenceError(EcrError):
    """A registry host, server URL or image reference is not valid."""

class InvalidArgumentError(EcrError):
    """An argument or input document is not valid; the message names which and why."""

class PolicyValidationError(EcrError):
    """A policy document failed validation; ``.errors`` lists every problem."""

    errors: ClassVar[list[FieldError]]

class RepositoryNotFoundError(EcrError):
    """The repository does not exist in the registry."""

class ImageNotFoundError(EcrError):
    """The image (tag or digest) does not exist."""

class LifecyclePolicyNotFoundError(EcrError):
    """The repository has no lifecycle policy."""

class ScanNotFoundError(EcrError):
    """No scan exists (yet) for the image."""

class AccessDeniedError(EcrError):
    """The caller's principal is not allowed to perform the action."""

class InvalidCredentialsError(EcrError):
    """The AWS credentials are expired, invalid or not recognised."""

class NoCredentialsError(EcrError):
    """No AWS credentials could be found in the credential chain."""

class LongLivedCredentialsError(EcrError):
    """Long-lived access keys were found where temporary credentials are required."""

class NoRegionError(EcrError):
    """No AWS region is configured."""

class WrongRegionError(EcrError):
    """The request targets the wrong region or partition."""

class ThrottledError(EcrError):
    """AWS throttled the request and retries were exhausted."""

class LimitExceededError(EcrError):
    """A service limit was exceeded."""

class ServiceError(EcrError):
    """Any other error returned by the AWS service."""

class TransportError(EcrError):
    """The request could not be sent or no valid response was received."""

class OperationTimeoutError(EcrError):
    """An operation did not finish within its time limit."""

class ScanTimeoutError(EcrError):
    """Waiting for an image scan did not reach a final state in time."""

class RegistryError(EcrError):
    """The OCI distribution (registry) protocol failed."""

class IoError(EcrError):
    """A local file could not be read or written."""

class RefusedError(EcrError):
    """A safety guard refused the operation."""

def parse_reference(text: str) -> ImageReference:
    """Parses an image reference; raises ``InvalidReferenceError`` naming what is wrong."""

@final
class ImageReference:
    """A valid ECR image reference (``HOST/REPOSITORY[:TAG][@DIGEST]``); ``str()`` gives it back exactly."""

    def __new__(cls, text: str) -> ImageReference: ...
    @property
    def host(self) -> RegistryHost: ...
    @property
    def repository(self) -> str: ...
    @property
    def tag(self) -> str | None: ...
    @property
    def digest(self) -> str | None: ...
    @property
    def repository_uri(self) -> str: ...
    def image_id(self) -> ImageId | None:
        """The ECR image id (its digest and/or tag), or ``None`` when it has neither."""
    def with_tag(self, tag: str) -> ImageReference: ...
    def with_digest(self, digest: str) -> ImageReference: ...
    def without_tag(self) -> ImageReference: ...
    def without_digest(self) -> ImageReference: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class RegistryHost:
    """A valid ECR registry host; ``str()`` gives it back exactly."""

    def __new__(cls, text: str) -> RegistryHost: ...
    @staticmethod
    def private(registry_id: str, region: str, *, fips: bool = False, dual_stack: bool = False) -> RegistryHost:
        """The private registry host of an account in a region."""
    @staticmethod
    def public() -> RegistryHost:
        """``public.ecr.aws``."""
    @staticmethod
    def from_server_url(url: str) -> RegistryHost:
        """The host of a Docker server URL; raises ``InvalidReferenceError``."""
    @property
    def kind(self) -> Literal["private", "public"]: ...
    @property
    def registry_id(self) -> str | None: ...
    @property
    def region(self) -> str | None: ...
    @property
    def fips(self) -> bool: ...
    @property
    def dual_stack(self) -> bool: ...
    @property
    def dns_suffix(self) -> str | None: ...
    @property
    def server_url(self) -> str: ...
    def with_fips(self, on: bool) -> RegistryHost: ...
    def with_dual_stack(self, on: bool) -> RegistryHost: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class EcrClient:
    """A blocking ECR client; each method waits with the GIL released."""

    def __new__(
        cls,
        region: str | None = None,
        profile: str | None = None,
        endpoint_url: str | None = None,
        *,
        retry_mode: str | None = None,
        max_attempts: int | None = None,
        initial_backoff: float | None = None,
        connect_timeout: float | None = None,
        operation_timeout: float | None = None,
        attempt_timeout: float | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        session_token: str | None = None,
    ) -> EcrClient: ...
    @property
    def region(self) -> str | None:
        """The AWS region the client talks to."""
    @property
    def endpoint_url(self) -> str | None:
        """The explicit endpoint override, if one was given."""
    def describe_repository(self, name: str) -> Repository:
        """Describes one repository; raises ``RepositoryNotFoundError`` when it does not exist."""
    def create_repository(self, name: str, settings: RepositorySettings | None = None) -> Repository:
        """Creates a repository (recommended settings unless overridden) and returns it."""
    def list_repositories(self) -> list[Repository]:
        """Every repository of the registry (all pages)."""
    def describe_images(
        self, repository: str, image_ids: Sequence[ImageId | str] | None = None
    ) -> list[ImageDetail]:
        """Every image of a repository (all pages), or only those named by ``image_ids``."""
    def put_image(
        self,
        repository: str,
        manifest: str,
        *,
        media_type: str | None = None,
        tag: str | None = None,
        digest: str | None = None,
    ) -> ImageId:
        """Puts an image manifest, optionally under a tag; returns the stored image's id."""

    # --- tagging ---
    def check_tag_plan(
        self,
        repository: str,
        strategy: TagStrategy,
        context: Mapping[str, Any] | str,
        *,
        policy: str | Mapping[str, Any] | None = None,
        digest: str | None = None,
    ) -> PlanReport:
        """Plans the tags of a build and checks the plan against ``policy`` and the live repository."""
    def repository_tag_state(self, repository: str) -> RepositoryTagState:
        """What the tag checks read from a repository (mutability, filters, every tagged image)."""
    # --- verify ---
    def verify_push(
        self,
        image: str,
        *,
        tags: Sequence[str] = ...,
        digest: str | None = None,
        platforms: Sequence[str] = ...,
        registry_url: str | None = None,
        registry_credentials: RegistryCredentials | None = None,
        require: str | None = None,
        warn: str | None = None,
        skip: str | None = None,
        checks: _Checks | None = None,
        replication_regions: Sequence[str] = ...,
        replication_timeout: float = 300.0,
        referrer_types: Sequence[str] = ...,
    ) -> PushVerification:
        """Verifies a push as the ``verify_push`` program does; ``report`` is its JSON."""
    def verify_signatures(
        self,
        image: str,
        policy: SignaturePolicyInput | Mapping[str, Any] | str,
        *,
        digest: str | None = None,
        keys: Mapping[str, str] = ...,
        trusted_root: str | None = None,
        registry_url: str | None = None,
        registry_credentials: RegistryCredentials | None = None,
        ecr_referrers: bool = True,
        signing_status: bool = False,
    ) -> SignatureDecision:
        """Verifies the signatures and attestations of a pinned image against a policy (``verify_signatures``)."""
    def audit_repository(self, name: str) -> VerifyReport:
        """Audits one repository: the ``audit_repository`` program's report."""
    def registry_snapshot(self) -> dict[str, Any]:
        """The registry-wide configuration as a snapshot dict (``json.dumps`` it for the pure functions)."""
    def effective_settings(self, repository: str) -> dict[str, Any]:
        """The effective settings of ``repository`` (existing or not), read live."""
    def audit_registry(self, *, rolling_tags: Sequence[str] = ...) -> VerifyReport:
        """Audits the registry configuration against every repository, read live."""
    def audit_repository_with_templates(self, repository: str, snapshot: str) -> VerifyReport:
        """``audit_repository`` plus the ``template`` check against the snapshot's creation template."""
    def audit_all_repositories(self) -> AuditReport:
        """Audits every repository of the registry."""
    def ensure_repository(self, name: str, options: EnsureOptions | None = None) -> EnsureOutcome:
        """Creates ``name`` with the safe defaults, or reports (and with ``apply``, fixes) its drift."""
    def image_replication_status(self, repository: str, digest: str) -> list[ReplicationStatus]:
        """The replication status of an image in each destination."""
    def wait_for_replication(
        self,
        repository: str,
        digest: str,
        *,
        regions: Sequence[str] = ...,
        timeout: float = 300.0,
        interval: float = 10.0,
    ) -> list[ReplicationStatus]:
        """Polls the replication status until no required destination is in progress (or ``timeout``)."""
    def list_image_referrers(self, repository: str, digest: str) -> list[Referrer]:
        """Every referrer (signature, SBOM, ...) ECR stores for ``digest``."""
    def batch_get_images(self, repository: str, image_ids: Sequence[ImageId | str]) -> ImageLookup:
        """BatchGetImage for ``image_ids``, every manifest and index media type accepted."""
    def resolve_tags(self, repository: str, tags: Sequence[str], digest: str) -> ResolvedTags:
        """Resolves every tag and ``digest`` in one BatchGetImage (``finding``: the tags check)."""
    def repository_scanning(self, repository: str) -> RepositoryScanning:
        """The effective scanning configuration of a repository."""
    def lifecycle_policy_text(self, repository: str) -> str | None:
        """The repository's lifecycle policy text, ``None`` when it has none."""
    def repository_policy_text(self, repository: str) -> str | None:
        """The repository policy text, ``None`` when it has none."""
    # scan
    def gate_image(
        self,
        repository: str,
        image: str | ImageId,
        policy: ScanPolicy | Mapping[str, Any] | str,
        *,
        now: _Now = None,
        timeout: float = ...,
        poll_interval: float = ...,
        max_poll_interval: float = ...,
        consistency_polls: int | None = None,
        start_scan: bool = False,
        platforms: Sequence[str] = ...,
        scan_type: str | None = None,
        on_progress: Callable[[ScanProgress], object] | None = None,
    ) -> ScanDecision:
        """Waits for the image's scan and gates it (``scan_gate`` live mode); ``ScanTimeoutError`` on timeout."""
    def wait_for_scan(
        self,
        repository: str,
        digest: str,
        *,
        scan_type: str | None = None,
        timeout: float = ...,
        poll_interval: float = ...,
        max_poll_interval: float = ...,
        consistency_polls: int | None = None,
        start_scan: bool = False,
        on_progress: Callable[[ScanProgress], object] | None = None,
    ) -> ScanWaitOutcome:
        """Waits for the scan of one image (by digest) to reach a final state."""
    def describe_scan_findings(self, repository: str, image: str | ImageId) -> dict[str, Any]:
        """Every page of DescribeImageScanFindings for one image, merged."""
    def start_image_scan(self, repository: str, image: str | ImageId) -> None:
        """Starts a basic scan of an image."""
    def resolve_image(self, repository: str, image: str | ImageId) -> ResolvedImage:
        """Resolves a tag or digest to its digest, media type and (for an index) platform children."""
    def registry_scan_type(self) -> str | None:
        """The registry's scan type: ``"BASIC"``, ``"ENHANCED"`` or ``None``."""
    # lifecycle
    def get_lifecycle_policy(self, repository: str) -> LifecyclePolicy:
        """The repository's lifecycle policy, validated."""
    def put_lifecycle_policy(
        self, repository: str, policy: LifecyclePolicy | str | Mapping[str, Any]
    ) -> list[LifecyclePolicyWarning]:
        """Validates the policy, then puts it; returns its lint warnings."""
    def describe_images_all_statuses(self, repository: str) -> list[ImageDetail]:
        """Every image in every storage status (all pages)."""
    def manifest_list_children(self, repository: str, images: _Images) -> dict[str, list[str]]:
        """The children of every manifest list among ``images``."""
    def ecr_lifecycle_preview(
        self,
        repository: str,
        *,
        policy: LifecyclePolicy | str | Mapping[str, Any] | None = None,
        poll_interval: float = ...,
        timeout: float = ...,
    ) -> EcrLifecyclePreview:
        """ECR's own lifecycle preview: ``{"previewResults", "summary"}``."""
    def lifecycle_preview(
        self,
        repository: str,
        *,
        policy: LifecyclePolicy | str | Mapping[str, Any] | None = None,
        now: _Now = None,
        protected: Sequence[str] = ...,
        compare_with_ecr: bool = False,
        poll_interval: float = ...,
        ecr_timeout: float = ...,
    ) -> LifecycleReport:
        """Reads the policy and every image, evaluates offline (optionally compares with ECR's preview)."""
    def expire_images(
        self,
        repository: str,
        preview: LifecyclePreview | Mapping[str, Any],
        *,
        dry_run: bool = True,
        max_deletions: int = 100,
        protected: Sequence[str] = ...,
    ) -> ExpireReport:
        """Deletes exactly what the preview expires (dry run by default; guards refuse before deleting)."""
    # inventory of images in use
    def discover_inventory(self, options: DiscoverOptions | None = None) -> Inventory:
        """Builds the inventory of images in use (a failed source makes it incomplete; bad options raise)."""
    def lifecycle_preview_with_inventory(
        self,
        repository: str,
        inventory: Inventory | Mapping[str, Any] | str,
        *,
        policy: LifecyclePolicy | str | Mapping[str, Any] | None = None,
        now: _Now = None,
        protected: Sequence[str] = ...,
    ) -> InUsePreview:
        """``lifecycle_preview`` with every digest in use protected: the document with ``inUse``."""
    def expire_images_with_inventory(
        self,
        repository: str,
        preview: LifecyclePreview | Mapping[str, Any],
        inventory: Inventory | Mapping[str, Any] | str,
        *,
        dry_run: bool = True,
        max_deletions: int = 100,
        protected: Sequence[str] = ...,
        allow_incomplete: bool = False,
    ) -> ExpireReport:
        """``expire_images`` refusing digests in use, and an incomplete inventory unless ``allow_incomplete``."""
    def registry_in_use_report(
        self, inventory: Inventory | Mapping[str, Any] | str, *, now: _Now = None, concurrency: int = 8
    ) -> RegistryInUseReport:
        """Every repository's lifecycle policy against the inventory."""

@final
class AsyncEcrClient:
    """An asyncio ECR client; every method returns an awaitable."""

    def __new__(
        cls,
        region: str | None = None,
        profile: str | None = None,
        endpoint_url: str | None = None,
        *,
        retry_mode: str | None = None,
        max_attempts: int | None = None,
        initial_backoff: float | None = None,
        connect_timeout: float | None = None,
        operation_timeout: float | None = None,
        attempt_timeout: float | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        session_token: str | None = None,
    ) -> AsyncEcrClient: ...
    def describe_repository(self, name: str) -> Awaitable[Repository]:
        """Describes one repository; raises ``RepositoryNotFoundError`` when it does not exist."""
    def create_repository(
        self, name: str, settings: RepositorySettings | None = None
    ) -> Awaitable[Repository]:
        """Creates a repository (recommended settings unless overridden) and returns it."""
    def list_repositories(self) -> Awaitable[list[Repository]]:
        """Every repository of the registry (all pages)."""
    def describe_images(
        self, repository: str, image_ids: Sequence[ImageId | str] | None = None
    ) -> Awaitable[list[ImageDetail]]:
        """Every image of a repository (all pages), or only those named by ``image_ids``."""
    def put_image(
        self,
        repository: str,
        manifest: str,
        *,
        media_type: str | None = None,
        tag: str | None = None,
        digest: str | None = None,
    ) -> Awaitable[ImageId]:
        """Puts an image manifest, optionally under a tag; returns the stored image's id."""
    # --- tagging ---
    def check_tag_plan(
        self,
        repository: str,
        strategy: TagStrategy,
        context: Mapping[str, Any] | str,
        *,
        policy: str | Mapping[str, Any] | None = None,
        digest: str | None = None,
    ) -> Awaitable[PlanReport]:
        """Plans the tags of a build and checks the plan against ``policy`` and the live repository."""
    def repository_tag_state(self, repository: str) -> Awaitable[RepositoryTagState]:
        """What the tag checks read from a repository (mutability, filters, every tagged image)."""
    # --- verify ---
    def verify_push(
        self,
        image: str,
        *,
        tags: Sequence[str] = ...,
        digest: str | None = None,
        platforms: Sequence[str] = ...,
        registry_url: str | None = None,
        registry_credentials: RegistryCredentials | None = None,
        require: str | None = None,
        warn: str | None = None,
        skip: str | None = None,
        checks: _Checks | None = None,
        replication_regions: Sequence[str] = ...,
        replication_timeout: float = 300.0,
        referrer_types: Sequence[str] = ...,
    ) -> Awaitable[PushVerification]:
        """Verifies a push as the ``verify_push`` program does; ``report`` is its JSON."""
    def verify_signatures(
        self,
        image: str,
        policy: SignaturePolicyInput | Mapping[str, Any] | str,
        *,
        digest: str | None = None,
        keys: Mapping[str, str] = ...,
        trusted_root: str | None = None,
        registry_url: str | None = None,
        registry_credentials: RegistryCredentials | None = None,
        ecr_referrers: bool = True,
        signing_status: bool = False,
    ) -> Awaitable[SignatureDecision]:
        """Verifies the signatures and attestations of a pinned image against a policy (``verify_signatures``)."""
    def audit_repository(self, name: str) -> Awaitable[VerifyReport]:
        """Audits one repository: the ``audit_repository`` program's report."""
    def registry_snapshot(self) -> Awaitable[dict[str, Any]]:
        """The registry-wide configuration as a snapshot dict (``json.dumps`` it for the pure functions)."""
    def effective_settings(self, repository: str) -> Awaitable[dict[str, Any]]:
        """The effective settings of ``repository`` (existing or not), read live."""
    def audit_registry(self, *, rolling_tags: Sequence[str] = ...) -> Awaitable[VerifyReport]:
        """Audits the registry configuration against every repository, read live."""
    def audit_repository_with_templates(self, repository: str, snapshot: str) -> Awaitable[VerifyReport]:
        """``audit_repository`` plus the ``template`` check against the snapshot's creation template."""
    def audit_all_repositories(self) -> Awaitable[AuditReport]:
        """Audits every repository of the registry."""
    def ensure_repository(self, name: str, options: EnsureOptions | None = None) -> Awaitable[EnsureOutcome]:
        """Creates ``name`` with the safe defaults, or reports (and with ``apply``, fixes) its drift."""
    def image_replication_status(self, repository: str, digest: str) -> Awaitable[list[ReplicationStatus]]:
        """The replication status of an image in each destination."""
    def wait_for_replication(
        self,
        repository: str,
        digest: str,
        *,
        regions: Sequence[str] = ...,
        timeout: float = 300.0,
        interval: float = 10.0,
    ) -> Awaitable[list[ReplicationStatus]]:
        """Polls the replication status until no required destination is in progress (or ``timeout``)."""
    def list_image_referrers(self, repository: str, digest: str) -> Awaitable[list[Referrer]]:
        """Every referrer (signature, SBOM, ...) ECR stores for ``digest``."""
    def batch_get_images(self, repository: str, image_ids: Sequence[ImageId | str]) -> Awaitable[ImageLookup]:
        """BatchGetImage for ``image_ids``, every manifest and index media type accepted."""
    def resolve_tags(self, repository: str, tags: Sequence[str], digest: str) -> Awaitable[ResolvedTags]:
        """Resolves every tag and ``digest`` in one BatchGetImage (``finding``: the tags check)."""
    def repository_scanning(self, repository: str) -> Awaitable[RepositoryScanning]:
        """The effective scanning configuration of a repository."""
    def lifecycle_policy_text(self, repository: str) -> Awaitable[str | None]:
        """The repository's lifecycle policy text, ``None`` when it has none."""
    def repository_policy_text(self, repository: str) -> Awaitable[str | None]:
        """The repository policy text, ``None`` when it has none."""
    # scan
    def gate_image(
        self,
        repository: str,
        image: str | ImageId,
        policy: ScanPolicy | Mapping[str, Any] | str,
        *,
        now: _Now = None,
        timeout: float = ...,
        poll_interval: float = ...,
        max_poll_interval: float = ...,
        consistency_polls: int | None = None,
        start_scan: bool = False,
        platforms: Sequence[str] = ...,
        scan_type: str | None = None,
        on_progress: Callable[[ScanProgress], object] | None = None,
    ) -> Awaitable[ScanDecision]:
        """Waits for the image's scan and gates it (``scan_gate`` live mode); ``ScanTimeoutError`` on timeout."""
    def wait_for_scan(
        self,
        repository: str,
        digest: str,
        *,
        scan_type: str | None = None,
        timeout: float = ...,
        poll_interval: float = ...,
        max_poll_interval: float = ...,
        consistency_polls: int | None = None,
        start_scan: bool = False,
        on_progress: Callable[[ScanProgress], object] | None = None,
    ) -> Awaitable[ScanWaitOutcome]:
        """Waits for the scan of one image (by digest) to reach a final state."""
    def describe_scan_findings(self, repository: str, image: str | ImageId) -> Awaitable[dict[str, Any]]:
        """Every page of DescribeImageScanFindings for one image, merged."""
    def start_image_scan(self, repository: str, image: str | ImageId) -> Awaitable[None]:
        """Starts a basic scan of an image."""
    def resolve_image(self, repository: str, image: str | ImageId) -> Awaitable[ResolvedImage]:
        """Resolves a tag or digest to its digest, media type and (for an index) platform children."""
    def registry_scan_type(self) -> Awaitable[str | None]:
        """The registry's scan type: ``"BASIC"``, ``"ENHANCED"`` or ``None``."""
    # lifecycle
    def get_lifecycle_policy(self, repository: str) -> Awaitable[LifecyclePolicy]:
        """The repository's lifecycle policy, validated."""
    def put_lifecycle_policy(
        self, repository: str, policy: LifecyclePolicy | str | Mapping[str, Any]
    ) -> Awaitable[list[LifecyclePolicyWarning]]:
        """Validates the policy, then puts it; returns its lint warnings."""
    def describe_images_all_statuses(self, repository: str) -> Awaitable[list[ImageDetail]]:
        """Every image in every storage status (all pages)."""
    def manifest_list_children(self, repository: str, images: _Images) -> Awaitable[dict[str, list[str]]]:
        """The children of every manifest list among ``images``."""
    def ecr_lifecycle_preview(
        self,
        repository: str,
        *,
        policy: LifecyclePolicy | str | Mapping[str, Any] | None = None,
        poll_interval: float = ...,
        timeout: float = ...,
    ) -> Awaitable[EcrLifecyclePreview]:
        """ECR's own lifecycle preview: ``{"previewResults", "summary"}``."""
    def lifecycle_preview(
        self,
        repository: str,
        *,
        policy: LifecyclePolicy | str | Mapping[str, Any] | None = None,
        now: _Now = None,
        protected: Sequence[str] = ...,
        compare_with_ecr: bool = False,
        poll_interval: float = ...,
        ecr_timeout: float = ...,
    ) -> Awaitable[LifecycleReport]:
        """Reads the policy and every image, evaluates offline (optionally compares with ECR's preview)."""
    def expire_images(
        self,
        repository: str,
        preview: LifecyclePreview | Mapping[str, Any],
        *,
        dry_run: bool = True,
        max_deletions: int = 100,
        protected: Sequence[str] = ...,
    ) -> Awaitable[ExpireReport]:
        """Deletes exactly what the preview expires (dry run by default; guards refuse before deleting)."""
    # inventory of images in use
    def discover_inventory(self, options: DiscoverOptions | None = None) -> Awaitable[Inventory]:
        """Builds the inventory of images in use (a failed source makes it incomplete; bad options raise)."""
    def lifecycle_preview_with_inventory(
        self,
        repository: str,
        inventory: Inventory | Mapping[str, Any] | str,
        *,
        policy: LifecyclePolicy | str | Mapping[str, Any] | None = None,
        now: _Now = None,
        protected: Sequence[str] = ...,
    ) -> Awaitable[InUsePreview]:
        """``lifecycle_preview`` with every digest in use protected: the document with ``inUse``."""
    def expire_images_with_inventory(
        self,
        repository: str,
        preview: LifecyclePreview | Mapping[str, Any],
        inventory: Inventory | Mapping[str, Any] | str,
        *,
        dry_run: bool = True,
        max_deletions: int = 100,
        protected: Sequence[str] = ...,
        allow_incomplete: bool = False,
    ) -> Awaitable[ExpireReport]:
        """``expire_images`` refusing digests in use, and an incomplete inventory unless ``allow_incomplete``."""
    def registry_in_use_report(
        self, inventory: Inventory | Mapping[str, Any] | str, *, now: _Now = None, concurrency: int = 8
    ) -> Awaitable[RegistryInUseReport]:
        """Every repository's lifecycle policy against the inventory."""

# --- auth ---

@final
class RegistryCredentials:
    """Registry credentials for one ECR host; ``repr``/``str`` never show the password, pickling is refused."""

    def __new__(
        cls,
        host: str,
        username: str,
        password: str,
        expires_at: str,
        *,
        proxy_endpoint: str | None = None,
        region: str | None = None,
    ) -> RegistryCredentials: ...
    @property
    def host(self) -> str:
        """The registry host."""
    @property
    def username(self) -> str:
        """The user name (``AWS``)."""
    @property
    def password(self) -> str:
        """The password itself: the one explicit way to read it."""
    @property
    def expires_at(self) -> str:
        """When the token stops working (RFC 3339)."""
    @property
    def proxy_endpoint(self) -> str | None:
        """``https://<host>`` for private registries; ``None`` for ECR Public."""
    @property
    def region(self) -> str | None:
        """The token's region; ``None`` for ECR Public."""
    @property
    def is_public(self) -> bool:
        """True for ECR Public credentials."""
    def is_expired_at(self, now: str) -> bool:
        """True when the token has expired at ``now``."""
    def docker_auth(self) -> str:
        """``base64(username:password)`` (a secret)."""
    def authorization_header(self) -> str:
        """``Basic <docker_auth>`` (a secret)."""
    def to_dict(self) -> CredentialsDict:
        """Everything but the password."""
    def __reduce__(self) -> NoReturn:
        """Refused: the object holds a secret (raises ``TypeError``)."""

@final
class HelperOutput:
    """A Docker credential-helper reply; ``repr``/``str`` never show ``stdout``."""

    @property
    def stdout(self) -> str:
        """What the helper writes to stdout (for ``get``: the JSON with the secret)."""
    @property
    def stderr(self) -> str:
        """What the helper writes to stderr."""
    @property
    def exit_code(self) -> int:
        """The process exit code."""
    def __reduce__(self) -> NoReturn:
        """Refused: the object holds a secret (raises ``TypeError``)."""

@final
class Authenticator:
    """Registry credentials from the AWS credential chain (blocking), cached and refreshed."""

    def __new__(
        cls,
        client: EcrClient,
        *,
        require_temporary_credentials: bool = False,
        disk_cache: bool | str | DiskCache | None = None,
        assume_now: str | None = None,
        principal: str | None = None,
        refresh_policy: RefreshPolicy | None = None,
    ) -> Authenticator: ...
    def credentials(self, registry: str) -> RegistryCredentials:
        """Credentials for a registry host, server URL or image reference."""
    def login_all(self, hosts: Sequence[str], docker_config: str | PathLike[str]) -> list[dict[str, Any]]:
        """Every registry's credentials written into one docker config in one write."""
    def credentials_for_region(self, region: str | None = None) -> RegistryCredentials:
        """Credentials for the caller's own registry in ``region``."""
    def public_credentials(self) -> RegistryCredentials:
        """Credentials for ECR Public."""
    def aws_identity(self) -> AwsIdentity:
        """What is known about the AWS credentials in use, without any secret."""
    def invalidate(self, registry: str) -> None:
        """Drops the cached token of ``registry``."""
    @property
    def now(self) -> str:
        """The instant tokens are judged by (RFC 3339)."""
    def set_now(self, now: str) -> None:
        """Sets the settable clock (only with ``assume_now``)."""
    def advance(self, seconds: float) -> None:
        """Moves the settable clock forward (only with ``assume_now``)."""
    @property
    def disk_cache(self) -> DiskCache | None:
        """The on-disk token cache, if any."""
    def run_helper(self, action: str, stdin: str = ...) -> HelperOutput:
        """Answers one Docker credential-helper request."""

@final
class AsyncAuthenticator:
    """The asyncio twin of ``Authenticator``."""

    def __new__(
        cls,
        client: AsyncEcrClient,
        *,
        require_temporary_credentials: bool = False,
        disk_cache: bool | str | DiskCache | None = None,
        assume_now: str | None = None,
        principal: str | None = None,
        refresh_policy: RefreshPolicy | None = None,
    ) -> AsyncAuthenticator: ...
    def credentials(self, registry: str) -> Awaitable[RegistryCredentials]:
        """Credentials for a registry host, server URL or image reference."""
    def login_all(self, hosts: Sequence[str], docker_config: str | PathLike[str]) -> Awaitable[list[dict[str, Any]]]:
        """Every registry's credentials written into one docker config in one write."""
    def credentials_for_region(self, region: str | None = None) -> Awaitable[RegistryCredentials]:
        """Credentials for the caller's own registry in ``region``."""
    def public_credentials(self) -> Awaitable[RegistryCredentials]:
        """Credentials for ECR Public."""
    def aws_identity(self) -> Awaitable[AwsIdentity]:
        """What is known about the AWS credentials in use, without any secret."""
    def invalidate(self, registry: str) -> Awaitable[None]:
        """Drops the cached token of ``registry``."""
    def run_helper(self, action: str, stdin: str = ...) -> Awaitable[HelperOutput]:
        """Answers one Docker credential-helper request."""
    @property
    def now(self) -> str:
        """The instant tokens are judged by (RFC 3339)."""
    def set_now(self, now: str) -> None:
        """Sets the settable clock (only with ``assume_now``)."""
    def advance(self, seconds: float) -> None:
        """Moves the settable clock forward (only with ``assume_now``)."""
    @property
    def disk_cache(self) -> DiskCache | None:
        """The on-disk token cache, if any."""

def write_docker_config(path: str | os.PathLike[str], server: str, credentials: RegistryCredentials) -> MergeOutcome:
    """Merges the ``auths`` entry of ``server`` into the docker config file at ``path``."""

def merge_auth_entry(
    config: Mapping[str, Any], server: str, credentials: RegistryCredentials
) -> tuple[dict[str, Any], MergeOutcome]:
    """The in-memory merge: ``(merged config, outcome)``."""

def default_docker_config_path() -> Path | None:
    """``$DOCKER_CONFIG/config.json``, else ``~/.docker/config.json``."""

def registry_region(registry: str) -> str | None:
    """The region of an ECR registry (``None`` for ECR Public)."""

def helper_version_line() -> str:
    """The credential helper's ``version`` line."""

# --- tagging ---

@final
class PlanReport:
    """A checked tag plan; ``to_dict()`` is the ``tag_plan`` program's JSON."""

    @property
    def ok(self) -> bool:
        """True when the plan has no violation."""
    @property
    def tags(self) -> list[PlannedTag]:
        """The planned tags."""
    @property
    def tag_values(self) -> list[str]:
        """The tag values, in push order."""
    @property
    def labels(self) -> dict[str, str]:
        """The OCI labels."""
    @property
    def violations(self) -> list[TagViolation]:
        """Problems that make the plan unsafe."""
    @property
    def warnings(self) -> list[TagViolation]:
        """Notes that do not block the push."""
    def to_dict(self) -> dict[str, Any]:
        """The report as a dict."""
    def to_json(self) -> str:
        """The report as pretty-printed JSON text."""

@final
class TagStrategy:
    """A validated tag strategy."""

    @classmethod
    def from_json(cls, text: str) -> TagStrategy:
        """Parses and validates a strategy document."""
    def plan(
        self,
        context: Mapping[str, Any] | str,
        *,
        policy: str | Mapping[str, Any] | None = None,
        existing: Sequence[ImageDetail] | Mapping[str, Any] | str | None = None,
        mutability: str | None = None,
        exclusions: Sequence[str] = ...,
        digest: str | None = None,
    ) -> PlanReport:
        """Plans and checks the tags of ``context``: the ``tag_plan`` program's report."""
    def plan_tags(self, context: Mapping[str, Any] | str, *, existing_tags: Sequence[str] = ...) -> TagPlan:
        """The raw tag plan of ``context``, before any policy check."""
    def metadata_action(
        self,
        context: Mapping[str, Any] | str,
        *,
        images: Sequence[str] = ...,
        annotation_levels: Sequence[str] = ...,
    ) -> dict[str, Any]:
        """docker/metadata-action's outputs for ``context``: version, tags, tag-names, labels, annotations, json."""

def check_plan(
    plan: TagPlan | Mapping[str, Any],
    *,
    policy: str | Mapping[str, Any] | None = None,
    repository: RepositoryTagState | Mapping[str, Any] | None = None,
    digest: str | None = None,
) -> PlanCheck:
    """Checks a tag plan against a policy and what is known of the repository."""

def build_context_from_env(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The build context of the CI this runs in (or of ``env``)."""

# --- verify ---

def build_record(
    name: str,
    digest: str,
    *,
    tags: Sequence[str] = ...,
    source_repository: str | None = None,
    revision: str | None = None,
    build_time: str | None = None,
    builder_id: str | None = None,
    run_id: str | None = None,
    media_type: str | None = None,
    platforms: Sequence[PlatformDigest] | None = None,
    verified: bool | None = None,
) -> dict[str, Any]:
    """An in-toto Statement v1 build record naming the image by digest."""

def effective_settings(
    snapshot: str, repository: str, *, existing: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The settings of ``repository`` under the registry snapshot (JSON text), each with what decided it."""

def audit_registry(
    snapshot: str, repositories: Sequence[Mapping[str, Any]], *, rolling_tags: Sequence[str] = ...
) -> VerifyReport:
    """Audits the registry snapshot (JSON text) against ``repositories`` and the rolling tags."""

def registry_hosts(
    accounts: Sequence[str], regions: Sequence[str], *, ipv4: bool = True, dual_stack: bool = False, fips: bool = False
) -> list[str]:
    """Every registry host of ``accounts`` x ``regions`` in the chosen forms."""

def default_lifecycle_policy() -> str:
    """The lifecycle policy ``ensure_repository`` gives a new repository by default."""

def analyse_repository_policy(text: str, account_id: str) -> list[PolicyFinding]:
    """The repository-policy principals that may push or delete from outside ``account_id``, or are wildcards."""

def validate_lifecycle_policy_text(text: str) -> None:
    """Checks a lifecycle policy document; raises ``PolicyValidationError`` naming every bad field."""

def sha256_digest(data: str | bytes) -> str:
    """``sha256:<hex>`` of the exact bytes (a ``str`` as UTF-8)."""

def wildcard_match(pattern: str, tag: str) -> bool:
    """Whether ``tag`` matches an ECR exclusion-filter wildcard."""

# --- reference checks ---

def validate_repository_name(name: str) -> None:
    """Checks a repository name; raises ``InvalidReferenceError``."""

def validate_tag(tag: str) -> None:
    """Checks a tag; raises ``InvalidReferenceError``."""

def validate_digest(digest: str) -> None:
    """Checks a digest; raises ``InvalidReferenceError``."""

# scan
@final
class ScanPolicy:
    """A validated scan gate policy."""

    @staticmethod
    def from_json(text: str) -> ScanPolicy:
        """Parses and validates a JSON policy; raises ``PolicyValidationError``."""
    @staticmethod
    def from_toml(text: str) -> ScanPolicy:
        """Parses and validates a TOML policy."""
    @staticmethod
    def from_dict(policy: Mapping[str, Any]) -> ScanPolicy:
        """Validates a policy given as a dict."""
    @staticmethod
    def load(path: str | PathLike[str]) -> ScanPolicy:
        """Loads a policy file (``.toml`` as TOML, else JSON)."""
    def to_dict(self) -> dict[str, Any]:
        """The policy as a dict, defaults filled in."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class SignatureDecision:
    """The signature gate's decision and the ``verify_signatures`` program's renderings."""

    @property
    def passed(self) -> bool:
        """Whether every requirement of the policy is met."""
    @property
    def digest(self) -> str:
        """The pinned digest the decision is about."""
    @property
    def requirements(self) -> list[SignatureRequirement]:
        """Every requirement on every manifest."""
    @property
    def evidence(self) -> list[dict[str, Any]]:
        """Every signature and attestation checked, verified or rejected with its reason."""
    def to_dict(self) -> SignatureReport:
        """The ``verify_signatures`` JSON report."""
    def to_sarif(self) -> dict[str, Any]:
        """The SARIF 2.1.0 log."""
    def to_markdown(self) -> str:
        """The Markdown summary."""
    def render(self, format: str) -> str:
        """The report as ``verify_signatures --format FORMAT`` prints it (``json``, ``sarif``, ``markdown``/``md``)."""
    def __bool__(self) -> bool: ...

@final
class ScanDecision:
    """The gate's decision and the ``scan_gate`` program's renderings."""

    @property
    def passed(self) -> bool:
        """Whether the gate passed."""
    @property
    def reasons(self) -> list[dict[str, Any]]:
        """Every reason for failing."""
    def to_dict(self) -> dict[str, Any]:
        """The ``scan_gate`` JSON report."""
    def to_sarif(self) -> dict[str, Any]:
        """The SARIF 2.1.0 log."""
    def to_markdown(self) -> str:
        """The Markdown summary."""
    def render(self, format: str) -> str:
        """The report as ``scan_gate --format FORMAT`` prints it (``json``, ``sarif``, ``markdown``/``md``)."""
    def __bool__(self) -> bool: ...

def parse_findings(pages: _Pages) -> dict[str, Any]:
    """Parses DescribeImageScanFindings response(s) into one merged dict."""

def evaluate_findings(
    pages: _Pages,
    policy: ScanPolicy | Mapping[str, Any] | str,
    *,
    now: _Now = None,
    repository: str | None = None,
    digest: str | None = None,
    platform: str | None = None,
) -> ScanDecision:
    """Gates one image's findings on a policy (``scan_gate --findings``)."""

# lifecycle
@final
class LifecyclePolicy:
    """A validated lifecycle policy and its lint warnings."""

    @staticmethod
    def from_json(text: str) -> LifecyclePolicy:
        """Parses and validates policy text; raises ``PolicyValidationError`` listing every problem."""
    @staticmethod
    def from_dict(policy: Mapping[str, Any]) -> LifecyclePolicy:
        """Validates a policy given as a dict."""
    @staticmethod
    def validate(text: str) -> LifecycleValidation:
        """The ``--validate-only`` document; never raises for an invalid policy."""
    @property
    def warnings(self) -> list[LifecyclePolicyWarning]:
        """Lint warnings."""
    def to_dict(self) -> dict[str, Any]:
        """The policy as a dict."""
    def to_json(self) -> str:
        """The policy as compact JSON text."""
    def evaluate(
        self,
        images: _Images,
        *,
        now: _Now = None,
        protected: Sequence[str] = ...,
        manifest_lists: Mapping[str, Sequence[str]] | None = None,
    ) -> LifecyclePreview:
        """Evaluates the policy offline as ECR would at ``now``."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class LifecycleImages:
    """A repository's images parsed once, for repeated evaluation."""

    @staticmethod
    def from_json(text: str) -> LifecycleImages:
        """Parses describe-images JSON text."""
    @staticmethod
    def from_list(images: Sequence[Mapping[str, Any]] | Mapping[str, Any]) -> LifecycleImages:
        """Reads a list of ``ImageDetail`` dicts."""
    def to_list(self) -> list[ImageDetail]:
        """The images as dicts."""
    def __len__(self) -> int: ...

@final
class LifecyclePreview:
    """An offline evaluation result; ``to_dict()`` is the ``lifecycle_preview`` JSON."""

    @staticmethod
    def from_dict(preview: Mapping[str, Any]) -> LifecyclePreview:
        """A preview from a dict of the ``to_dict()`` shape."""
    def to_dict(self) -> dict[str, Any]:
        """The ``lifecycle_preview`` program's JSON document."""
    def to_json(self) -> str:
        """The same document as compact JSON text."""
    @property
    def expiring_digests(self) -> list[str]:
        """The digests this preview expires."""

@final
class LifecycleReport:
    """What ``lifecycle_preview`` found in a repository."""

    @property
    def repository(self) -> str:
        """The repository."""
    @property
    def policy(self) -> LifecyclePolicy:
        """The evaluated policy."""
    @property
    def preview(self) -> LifecyclePreview:
        """The offline preview."""
    @property
    def images(self) -> list[ImageDetail]:
        """Every image read."""
    @property
    def ecr_diff(self) -> dict[str, Any] | None:
        """The comparison with ECR's preview, when asked for."""
    def to_dict(self) -> dict[str, Any]:
        """The whole report as a dict."""

def _raise_sample_error(code: str) -> None:
    """Test hook: raises the exception a sample core error of ``code`` maps to."""

def _panic(message: str) -> None:
    """Test hook: panics inside a guarded call (raises ``EcrError`` with code ``Internal``)."""

def _panic_async(message: str) -> Awaitable[None]:
    """Test hook: an awaitable whose task panics (raises ``EcrError`` with code ``Internal``)."""


# --- registry protocol, individual verify checks, auth clock/refresh/disk cache ---

@final
class RefreshPolicy:
    """When cached tokens are refreshed and when they stop being handed out."""

    def __new__(
        cls, *, ahead_fraction: float | None = None, ahead_min: float | None = None, min_remaining: float | None = None
    ) -> RefreshPolicy: ...
    @property
    def ahead_fraction(self) -> float:
        """The fraction of a token's lifetime it is refreshed ahead of expiry."""
    @property
    def ahead_min(self) -> float:
        """The least time (seconds) ahead of expiry a token is refreshed."""
    @property
    def min_remaining(self) -> float:
        """The least time (seconds) a handed-out token has left."""
    def refresh_at(self, fetched_at: str, expires_at: str) -> str:
        """The instant (RFC 3339) from which such a token is refreshed."""
    def usable(self, expires_at: str, now: str) -> bool:
        """True while a token expiring at ``expires_at`` may be handed out at ``now``."""

@final
class DiskCache:
    """The on-disk token cache shared between processes (inspection never shows a token)."""

    def __new__(cls, dir: str | os.PathLike[str], *, max_entries: int | None = None) -> DiskCache: ...
    @staticmethod
    def from_env() -> DiskCache | None:
        """The cache the environment asks for, or ``None`` when disabled."""
    @property
    def dir(self) -> Path:
        """The cache directory."""
    @property
    def file(self) -> Path:
        """The cache file."""
    def registries(self, now: str | None = None) -> list[str]:
        """The registries of the unexpired tokens in the file."""
    def token_count(self) -> int:
        """The number of token entries in the file."""

@final
class ImageConfig:
    """A parsed image config blob; ``repr``/``str``/``to_dict()`` never show environment values."""

    @staticmethod
    def parse(data: bytes | str) -> ImageConfig:
        """Parses a config blob."""
    @property
    def platform(self) -> str | None:
        """``os/arch[/variant]``, when named."""
    @property
    def user(self) -> str:
        """``config.User``."""
    @property
    def labels(self) -> dict[str, str]:
        """``config.Labels``."""
    @property
    def healthcheck(self) -> list[str] | None:
        """``config.Healthcheck.Test``."""
    @property
    def env_names(self) -> list[str]:
        """The environment variable names."""
    @property
    def env(self) -> list[str]:
        """``NAME=value`` strings: the explicit read of values that may be secret."""
    def to_dict(self) -> ImageConfigSummary:
        """Everything but the environment."""
    def __reduce__(self) -> NoReturn:
        """Refused: the environment may hold secrets (raises ``TypeError``)."""

@final
class RegistryClient:
    """A registry-protocol client (blocking; the GIL is released while it waits)."""

    def __new__(
        cls, host: str, *, url: str | None = None, credentials: RegistryCredentials | None = None
    ) -> RegistryClient: ...
    @property
    def host(self) -> str:
        """The ``host[:port]`` this client talks to."""
    def fetch_manifest(self, repository: str, reference: str) -> FetchedManifest:
        """Fetches a manifest by tag or digest."""
    def fetch_blob(self, repository: str, digest: str) -> bytes:
        """Fetches a blob by digest."""
    def fetch_config(self, repository: str, digest: str) -> ImageConfig:
        """Fetches and parses an image config blob."""

@final
class AsyncRegistryClient:
    """The asyncio twin of ``RegistryClient``."""

    def __new__(
        cls, host: str, *, url: str | None = None, credentials: RegistryCredentials | None = None
    ) -> AsyncRegistryClient: ...
    @property
    def host(self) -> str:
        """The ``host[:port]`` this client talks to."""
    def fetch_manifest(self, repository: str, reference: str) -> Awaitable[FetchedManifest]:
        """Fetches a manifest by tag or digest."""
    def fetch_blob(self, repository: str, digest: str) -> Awaitable[bytes]:
        """Fetches a blob by digest."""
    def fetch_config(self, repository: str, digest: str) -> Awaitable[ImageConfig]:
        """Fetches and parses an image config blob."""

def check_non_root(config: ImageConfig) -> VerifyFinding:
    """The non-root check."""

def check_labels(config: ImageConfig) -> VerifyFinding:
    """The OCI-labels check."""

def check_secrets(config: ImageConfig) -> VerifyFinding:
    """The no-secrets check (names only)."""

def check_healthcheck(config: ImageConfig) -> VerifyFinding:
    """The healthcheck check."""

def is_root_user(user: str) -> bool:
    """True when ``user`` runs as root."""

def secret_like_env_names(env: Sequence[str]) -> list[str]:
    """The names of the secret-looking variables among ``NAME=value`` strings."""

def check_integrity(images: Sequence[FetchedImage] | Sequence[Mapping[str, Any]], expected_digest: str) -> VerifyFinding:
    """The integrity check over ``batch_get_images(...)["images"]``."""

def compare_platforms(expected: Sequence[str], found: Sequence[str], attestations: int = 0) -> VerifyFinding:
    """The platforms check."""

def check_replication(
    statuses: Sequence[ReplicationStatus] | Sequence[Mapping[str, Any]], regions: Sequence[str] = ...
) -> VerifyFinding:
    """The replication check."""

def check_referrers(referrers: Sequence[Referrer] | Sequence[Mapping[str, Any]], wanted: Sequence[str] = ...) -> VerifyFinding:
    """The referrers check."""

def parse_manifest(data: bytes | str) -> dict[str, Any]:
    """Parses manifest bytes: ``{"kind": "index" | "image", ...}``."""

def index_children(manifest: str) -> list[dict[str, str]]:
    """The platform children of an index manifest (attestations left out)."""

# --- reference builders, check policy table, severities, report formats, strict findings reader ---
def partition_of_region(region: str) -> PartitionInfo:
    """The AWS partition of a region."""

def default_check_policy() -> CheckPolicyTable:
    """The default level of every ``verify_push`` check, in report order."""

def check_policy(
    levels: _Checks | None = None,
    *,
    require: str | None = None,
    warn: str | None = None,
    skip: str | None = None,
) -> CheckPolicyTable:
    """A full check policy table: the defaults, then ``levels``, then the comma lists."""

def check_names() -> list[CheckName]:
    """The names of every check, in report order."""

def severities() -> list[Severity]:
    """Every severity, most severe first."""

def parse_severity(name: str) -> Severity | None:
    """A known severity name (any case) in ECR's spelling, or ``None``."""

def severity_of_finding(name: str | None = None) -> Severity:
    """A finding's severity as the gate reads it (unknown or absent: ``UNDEFINED``)."""

def compare_severity(a: str, b: str) -> int:
    """Negative when ``a`` is more severe than ``b``, 0 when equal, positive when less severe."""

def parse_report_format(name: str) -> ReportFormat:
    """``json``, ``sarif`` or ``markdown`` (``md`` too, any case); raises ``InvalidArgumentError``."""

def parse_findings_strict(text: str) -> dict[str, Any]:
    """The strict findings reader: the same result as ``parse_findings``, errors name the JSON path."""

def check_credential_policy(
    identity: AwsIdentity | Mapping[str, Any], *, require_temporary_credentials: bool = True
) -> None:
    """Checks an identity (``Authenticator.aws_identity()``) against the credential policy; raises
    ``LongLivedCredentialsError`` for long-lived keys when temporary ones are required."""

def is_long_lived(identity: AwsIdentity | Mapping[str, Any]) -> bool:
    """True for long-lived static keys (an ``AKIA`` key id, or no session token)."""

def is_reserved_tag(tag: str) -> bool:
    """Whether a tag looks reserved (``sha256-<hex>`` referrers fallback, cosign ``.sig``/``.att``/``.sbom``)."""

def replace_illegal_runs(text: str) -> str:
    """Every run of characters outside ``[A-Za-z0-9._-]`` replaced with one ``-``."""

def fit_tag(value: str, *, prefix: str = "", suffix: str = "") -> str | None:
    """``prefix + value + suffix`` as a valid tag, or ``None`` when nothing valid is left."""

def normalize_platform(platform: str) -> str:
    """A platform in its comparison form (``linux/aarch64/v8`` → ``linux/arm64``)."""

def parse_version(text: str) -> ParsedVersion | None:
    """A version read like ``semver.clean`` (``v``/``V``/``=`` and space ignored), or ``None``."""

def is_prerelease(version: str) -> bool:
    """Whether a version is a pre-release; ``InvalidArgumentError`` when it is not a version."""

def highest_released(
    tags: Sequence[str],
    *,
    version: str | None = None,
    line: _VersionLine = "all",
    prefix: str = "",
    suffix: str = "",
) -> str | None:
    """The highest stable version among ``tags`` (on ``version``'s ``line`` when given), or ``None``."""

def may_roll_to(
    version: str, tags: Sequence[str], *, line: _VersionLine = "all", prefix: str = "", suffix: str = ""
) -> bool:
    """Whether a rolling tag of ``line`` may move to ``version`` (it is not a backport below ``tags``)."""

def apply_build_metadata(text: str, rule: _BuildMetadataRule = "underscore") -> str | None:
    """``+`` build metadata mapped by ``rule``; ``None`` under ``"reject"`` when there is a ``+``."""

def describe_build_context(context: Mapping[str, Any] | str, *, sha_length: int = 7) -> BuildContextFacts:
    """What a build context implies: canonical ref, branch, tag, pull request, event, default branch, short sha."""

def normalize_git_ref(git_ref: str) -> str:
    """A full git ref in canonical form (``refs/pull/12/merge`` → ``refs/pull/12/head``)."""

# --- inventory of images in use ---

def inventory_from_files(files: Sequence[InventoryFile]) -> Inventory:
    """Reads snapshot files offline (a failed file is a failed source; tags stay unresolved)."""

def read_inventory(inventory: Inventory | Mapping[str, Any] | str) -> Inventory:
    """Checks a saved inventory (schema, ``complete`` against its sources, digests)."""

def merge_inventories(inventories: Sequence[Inventory | Mapping[str, Any] | str]) -> Inventory:
    """One inventory of several; incomplete when any is."""

def preview_with_inventory(
    policy: LifecyclePolicy | str | Mapping[str, Any],
    images: _Images,
    inventory: Inventory | Mapping[str, Any] | str,
    *,
    now: _Now = None,
    protected: Sequence[str] = ...,
    manifest_lists: Mapping[str, Sequence[str]] | None = None,
) -> InUsePreview:
    """Evaluates a policy offline with the inventory protecting what is in use (and what it needs)."""
