"""Type stubs of the native module ``ecr_core._native`` (checked against it by ``mypy.stubtest``)."""

from collections.abc import Awaitable, Sequence
from typing import ClassVar, final

from ecr_core.types import FieldError, ImageDetail, ImageId, ParsedReference, Repository, RepositorySettings

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

def parse_reference(text: str) -> ParsedReference:
    """Parses a registry host, server URL or image reference; raises ``InvalidReferenceError``."""

@final
class EcrClient:
    """A blocking ECR client; each method waits with the GIL released."""

    def __new__(
        cls, region: str | None = None, profile: str | None = None, endpoint_url: str | None = None
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

@final
class AsyncEcrClient:
    """An asyncio ECR client; every method returns an awaitable."""

    def __new__(
        cls, region: str | None = None, profile: str | None = None, endpoint_url: str | None = None
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

def _raise_sample_error(code: str) -> None:
    """Test hook: raises the exception a sample core error of ``code`` maps to."""

def _panic(message: str) -> None:
    """Test hook: panics inside a guarded call (raises ``EcrError`` with code ``Internal``)."""

def _panic_async(message: str) -> Awaitable[None]:
    """Test hook: an awaitable whose task panics (raises ``EcrError`` with code ``Internal``)."""

