//! Strict parsing of ECR registry hosts, server URLs and image references.
