//! `parse_reference`: reads one registry host, server URL or image reference per line on stdin and writes one
//! JSON object per line on stdout.
//!
//! A line with a scheme (`https://…`) is a server URL, a line without `/` is a bare host, anything else is an
//! image reference. Each output object has `input` and `ok`; when ok, `kind` (`private`|`public`),
//! `registry_id`, `region`, `fips`, `dual_stack`, `dns_suffix`, `repository`, `tag` and `digest` (null where
//! absent); when not ok, the error's `code` and `message`. A line that is not UTF-8 is that line's error
//! (`InvalidReference`, the message naming the line and byte) and reading goes on. Exits 0 once every line
//! was processed, even when some were invalid; 2 (one line on stderr) only when stdin or stdout fail.
//!
//! ```text
//! printf '%s\n' 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:v1 \
//!   | cargo run -q -p ecr-core-examples --bin parse_reference
//! ```

use std::io::{BufRead, BufWriter, Write};
use std::process::ExitCode;

use clap::Parser;
use ecr_core_examples::{Input as _, Verdict, args, finish};
use serde_json::json;

/// Parse ECR registry hosts, server URLs and image references, one per line on stdin, into JSON lines.
#[derive(Parser)]
#[command(
    name = "parse_reference",
    version,
    about,
    after_help = "Example:\n  printf '%s\\n' 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:v1 public.ecr.aws | parse_reference"
)]
struct Args {}

fn main() -> ExitCode {
    let _: Args = args();
    finish("parse_reference", run())
}

fn run() -> anyhow::Result<Verdict> {
    let mut stdin = std::io::stdin().lock();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut line = Vec::new();
    for number in 1.. {
        line.clear();
        if stdin
            .read_until(b'\n', &mut line)
            .input(format!("stdin line {number}"))?
            == 0
        {
            break;
        }
        // Only the line terminator is removed ("\n" or "\r\n"); nothing else is trimmed.
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        let value = match std::str::from_utf8(text) {
            Ok(text) => ecr_core::reference::parse_input_json(text),
            Err(e) => {
                // The input as the parser echoes it (user info in a URL redacted), with this line's error.
                let echoed = ecr_core::reference::parse_input_json(&String::from_utf8_lossy(text));
                json!({
                    "input": echoed["input"],
                    "ok": false,
                    "code": "InvalidReference",
                    "message": format!("line {number}: byte {}: not UTF-8", e.valid_up_to()),
                })
            }
        };
        serde_json::to_writer(&mut out, &value).input("stdout")?;
        out.write_all(b"\n").input("stdout")?;
    }
    out.flush().input("stdout")?;
    Ok(Verdict::Pass)
}
