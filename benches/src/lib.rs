//! Inputs shared by ecr-core's benchmarks: the criterion benches in `benches/` and the
//! `lifecycle_bench_input` program that writes the same input for the Python and Node benchmarks.
#![deny(missing_docs)]

pub mod lifecycle_input;
