//! Tests of the tagging capability over replayed ECR responses (aws-smithy-mocks).
