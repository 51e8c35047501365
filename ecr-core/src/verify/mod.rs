//! The `verify` capability (see the crate docs). Filled in by its issue.
