//! The `lifecycle` capability (see the crate docs). Filled in by its issue.
