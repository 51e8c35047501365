//! Replayed-response tests (added below).
