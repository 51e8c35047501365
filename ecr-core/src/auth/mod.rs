//! The `auth` capability (see the crate docs). Filled in by its issue.
