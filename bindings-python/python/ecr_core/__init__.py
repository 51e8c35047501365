"""ecr-core: the Amazon ECR part of a software delivery pipeline, correct by construction.

Python bindings of the ``ecr-core`` Rust library. Network operations are methods of
:class:`EcrClient` (blocking; releases the GIL while it waits) and :class:`AsyncEcrClient` (asyncio).
Everything else is grouped like the core's capabilities: :mod:`ecr_core.auth`, :mod:`ecr_core.reference`,
:mod:`ecr_core.tagging`, :mod:`ecr_core.verify`, :mod:`ecr_core.scan`, :mod:`ecr_core.lifecycle`,
:mod:`ecr_core.settings`, :mod:`ecr_core.inventory`; :mod:`ecr_core.types` holds the shapes of the dicts they return.
Every error is an :class:`EcrError` whose ``.code`` is the core's stable error code; each code has its
own subclass (``RepositoryNotFoundError``, ``AccessDeniedError``, ``PolicyValidationError`` ...).

>>> import ecr_core
>>> "RepositoryNotFound" in ecr_core.ERROR_CODES
True
"""

from . import auth, inventory, lifecycle, reference, scan, settings, tagging, types, verify
from ._native import (
    ERROR_CODES,
    AsyncEcrClient,
    EcrClient,
    AccessDeniedError,
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
    ImageReference,
    __version__,
    parse_reference,
)

__all__ = [
    "ERROR_CODES",
    "AsyncEcrClient",
    "EcrClient",
    "AccessDeniedError",
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
    "ImageReference",
    "__version__",
    "parse_reference",
    "auth",
    "inventory",
    "lifecycle",
    "reference",
    "scan",
    "settings",
    "tagging",
    "types",
    "verify",
]
