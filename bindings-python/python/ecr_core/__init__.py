"""ecr-core: the Amazon ECR part of a software delivery pipeline, correct by construction.

Python bindings of the ``ecr-core`` Rust library. Network operations are methods of
:class:`EcrClient` (blocking; releases the GIL while it waits) and :class:`AsyncEcrClient` (asyncio).
Every error is an :class:`EcrError` whose ``.code`` is the core's stable error code; each code has its
own subclass (``RepositoryNotFoundError``, ``AccessDeniedError``, ``PolicyValidationError`` ...).

>>> import ecr_core
>>> "RepositoryNotFound" in ecr_core.ERROR_CODES
True
"""

from . import types
from ._native import (
    ERROR_CODES,
    AccessDeniedError,
    AsyncEcrClient,
    EcrClient,
    EcrError,
    ImageNotFoundError,
    InvalidArgumentError,
    InvalidCredentialsError,
    InvalidReferenceError,
    IoError,
    LifecyclePolicyNotFoundError,
    LimitExceededError,
    LongLivedCredentialsError,
    NoCredentialsError,
    NoRegionError,
    OperationTimeoutError,
    PolicyValidationError,
    RefusedError,
    RegistryError,
    RepositoryNotFoundError,
    ScanNotFoundError,
    ScanTimeoutError,
    ServiceError,
    ThrottledError,
    TransportError,
    WrongRegionError,
    __version__,
    parse_reference,
)

# auth, tagging, verify, reference checks (bindauth)
from ._native import (
    AsyncAuthenticator,
    Authenticator,
    HelperOutput,
    PlanReport,
    RegistryCredentials,
    TagStrategy,
    build_context_from_env,
    build_record,
    default_docker_config_path,
    default_lifecycle_policy,
    helper_version_line,
    merge_auth_entry,
    registry_host,
    registry_region,
    validate_digest,
    validate_repository_name,
    validate_tag,
    write_docker_config,
)

__all__ = [
    "ERROR_CODES",
    "AccessDeniedError",
    "AsyncEcrClient",
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
    "parse_reference",
    "types",
    # auth, tagging, verify, reference checks (bindauth)
    "AsyncAuthenticator",
    "Authenticator",
    "HelperOutput",
    "PlanReport",
    "RegistryCredentials",
    "TagStrategy",
    "build_context_from_env",
    "build_record",
    "default_docker_config_path",
    "default_lifecycle_policy",
    "helper_version_line",
    "merge_auth_entry",
    "registry_host",
    "registry_region",
    "validate_digest",
    "validate_repository_name",
    "validate_tag",
    "write_docker_config",
]
