//! The contract every program in `src/bin` follows, in one place (documented in `docs/programs.md`):
//!
//! - exit status 0 when the check passed (or the work is done), 1 when a check failed, 2 for bad input or
//!   an error;
//! - an error is one line on stderr, `PROGRAM: INPUT: MESSAGE`, where INPUT names what was wrong (a path, a
//!   flag, `stdin line N`) and MESSAGE carries the position inside it (line and column, field path) and, for
//!   ecr-core errors, the stable error code in brackets;
//! - `--version` and `--help` (with an example) on every program; usage errors are one line too.
//!
//! The Docker credential helper keeps Docker's credential-helper protocol instead (exit 1 on any failure,
//! the reason on stdout for docker to show); it shares only [`error_line`] and the `--version`/`--help`
//! texts.

use std::fmt::Display;
use std::process::ExitCode;

use clap::Parser;

/// Exit status: the check passed, or the work is done.
pub const EXIT_PASS: u8 = 0;
/// Exit status: a check failed.
pub const EXIT_FAIL: u8 = 1;
/// Exit status: bad input or an error.
pub const EXIT_ERROR: u8 = 2;

/// What a program found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Every check passed, or the work is done: exit 0.
    Pass,
    /// A check failed: exit 1.
    Fail,
}

impl Verdict {
    /// [`Verdict::Pass`] when `passed`, else [`Verdict::Fail`].
    pub fn from_passed(passed: bool) -> Self {
        if passed { Verdict::Pass } else { Verdict::Fail }
    }

    /// A core report's exit code (0 pass, anything else a failed check).
    pub fn from_code(code: i32) -> Self {
        Verdict::from_passed(code == 0)
    }
}

/// Parses the arguments. `--help` and `--version` print to stdout and exit 0; a usage error prints one line
/// (`PROGRAM: MESSAGE (see --help)`) and exits 2.
pub fn args<T: Parser>() -> T {
    match T::try_parse() {
        Ok(args) => args,
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            std::process::exit(i32::from(EXIT_PASS));
        }
        Err(e) => {
            let program = T::command().get_name().to_owned();
            eprintln!("{}", usage_error_line(&program, &e.render().to_string()));
            std::process::exit(i32::from(EXIT_ERROR));
        }
    }
}

/// The one line for a clap usage error: its first line, without clap's `error: ` prefix.
fn usage_error_line(program: &str, rendered: &str) -> String {
    let first = rendered
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("bad arguments");
    let message = first.strip_prefix("error: ").unwrap_or(first);
    format!("{program}: {message} (see --help)")
}

/// The exit status of a run, printing its error (if any) as one line on stderr.
pub fn finish(program: &str, result: anyhow::Result<Verdict>) -> ExitCode {
    match result {
        Ok(Verdict::Pass) => ExitCode::from(EXIT_PASS),
        Ok(Verdict::Fail) => ExitCode::from(EXIT_FAIL),
        Err(e) => {
            eprintln!("{}", error_line(program, &e));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// `PROGRAM: CONTEXT: ...: MESSAGE [Code]`: the error's chain joined on one line (line breaks in a message
/// become `; `), with the stable code of the ecr-core error in it, if any.
pub fn error_line(program: &str, e: &anyhow::Error) -> String {
    let text = one_line(&format!("{e:#}"));
    match e.chain().find_map(|c| c.downcast_ref::<ecr_core::Error>()) {
        Some(core) => format!("{program}: {text} [{}]", core.code()),
        None => format!("{program}: {text}"),
    }
}

/// A text on one line: line breaks (and the indentation after them) become `; `.
pub fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Reads a text file, the error naming the path (and, for text that is not UTF-8, the byte offset).
pub fn read_text(path: impl AsRef<std::path::Path>) -> anyhow::Result<String> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{}: byte {}: not UTF-8 text",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// Names the input an error concerns: `INPUT: error`.
pub trait Input<T> {
    /// Prefixes the error with what it concerns (a path, a flag, `stdin line 3`).
    fn input(self, what: impl Display) -> anyhow::Result<T>;
}

impl<T, E: Into<anyhow::Error>> Input<T> for Result<T, E> {
    fn input(self, what: impl Display) -> anyhow::Result<T> {
        self.map_err(|e| e.into().context(what.to_string()))
    }
}

/// A signature verification from program arguments: the image, the policy file, `NAME=PEM-FILE` public keys
/// and a trusted root file (Sigstore `trusted_root.json` or PEM certificates), each error naming its file.
pub fn signature_spec(
    image: &str,
    policy: &str,
    keys: &[String],
    trusted_root: Option<&str>,
) -> anyhow::Result<ecr_core::verify::signatures::VerifySignaturesSpec> {
    use ecr_core::verify::signatures::{SignaturePolicy, TrustedRoot, crypto::PublicKey};
    // The image is checked first: a bad reference is named before any file is read.
    image.parse::<ecr_core::reference::ImageReference>().input("--image")?;
    let mut spec = ecr_core::verify::signatures::VerifySignaturesSpec {
        image: image.to_owned(),
        policy: SignaturePolicy::from_json_str(&read_text(policy)?).input(policy)?,
        ..Default::default()
    };
    for k in keys {
        let (name, path) = k
            .split_once('=')
            .ok_or_else(|| anyhow::anyhow!("--key {k:?}: expected NAME=PEM-FILE"))?;
        let pem = read_text(path)?;
        PublicKey::from_pem(&pem).input(path)?;
        spec.keys.insert(name.to_owned(), pem);
    }
    if let Some(path) = trusted_root {
        let text = read_text(path)?;
        TrustedRoot::parse(&text).input(path)?;
        spec.trusted_root = Some(text);
    }
    Ok(spec)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn an_error_chain_is_one_line_with_the_core_code() {
        let core = ecr_core::Error::invalid("ignore[0].expires", "not a date\n  expected YYYY-MM-DD");
        let e: ecr_core::Result<()> = Err(core);
        let line = error_line("scan_gate", &e.input("policy p.json").unwrap_err());
        assert_eq!(
            line,
            "scan_gate: policy p.json: invalid ignore[0].expires: not a date; expected YYYY-MM-DD [InvalidArgument]"
        );
    }

    #[test]
    fn a_usage_error_keeps_clap_s_first_line() {
        let rendered = "error: unexpected argument '--nope' found\n\nUsage: tag_plan [OPTIONS]\n\nFor more information, try '--help'.\n";
        assert_eq!(
            usage_error_line("tag_plan", rendered),
            "tag_plan: unexpected argument '--nope' found (see --help)"
        );
    }

    #[test]
    fn a_file_that_is_not_utf8_names_the_byte() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.json");
        std::fs::write(&p, b"{\"a\": \"\xff\"}").unwrap();
        let e = read_text(&p).unwrap_err().to_string();
        assert!(e.ends_with("x.json: byte 7: not UTF-8 text"), "{e}");
    }
}
