//! The `scan` capability (see the crate docs). Filled in by its issue.
