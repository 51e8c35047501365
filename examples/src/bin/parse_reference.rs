//! `parse_reference`: reads one registry host, server URL or image reference per line on stdin and writes one
//! JSON object per line on stdout.
//!
//! A line with a scheme (`https://…`) is a server URL, a line without `/` is a bare host, anything else is an
//! image reference. Each output object has `input` and `ok`; when ok, `kind` (`private`|`public`),
//! `registry_id`, `region`, `fips`, `dual_stack`, `dns_suffix`, `repository`, `tag` and `digest` (null where
//! absent); when not ok, the error's `code` and `message`. Exits 0 once every line was processed, even when
//! some were invalid; non-zero only when stdin or stdout fail.
//!
//! ```text
//! printf '%s\n' 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:v1 \
//!   | cargo run -q -p ecr-core-examples --bin parse_reference
//! ```

use std::io::{BufRead, BufWriter, Write};

use anyhow::Context;
use clap::Parser;

/// Parse ECR registry hosts, server URLs and image references, one per line on stdin, into JSON lines.
#[derive(Parser)]
#[command(version, about)]
struct Args {}

fn main() -> anyhow::Result<()> {
    let _ = Args::parse();
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::new(std::io::stdout().lock());
    for line in stdin.lines() {
        let line = line.context("reading stdin")?;
        // Only the line terminator is removed (`lines` strips "\n" and "\r\n"); nothing else is trimmed.
        let value = ecr_core::reference::parse_input_json(&line);
        serde_json::to_writer(&mut out, &value).context("writing stdout")?;
        out.write_all(b"\n").context("writing stdout")?;
    }
    out.flush().context("writing stdout")?;
    Ok(())
}
