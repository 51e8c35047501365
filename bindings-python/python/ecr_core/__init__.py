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

# scan + lifecycle (bindscan)
from ._native import (
    LifecycleImages,
    LifecyclePolicy,
    LifecyclePreview,
    LifecycleReport,
    ScanDecision,
    ScanPolicy,
    evaluate_findings,
    parse_findings,
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
    # scan + lifecycle (bindscan)
    "LifecycleImages",
    "LifecyclePolicy",
    "LifecyclePreview",
    "LifecycleReport",
    "ScanDecision",
    "ScanPolicy",
    "evaluate_findings",
    "parse_findings",
]
