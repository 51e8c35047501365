//! Plans the tags of a build and checks them against a policy and the repository's state.
//!
//! ```text
//! tag_plan (--context FILE | --from-env) --strategy FILE [--policy production|default|FILE]
//!          [--existing FILE] [--mutability MUTABLE|IMMUTABLE|IMMUTABLE_WITH_EXCLUSION|MUTABLE_WITH_EXCLUSION]
//!          [--exclusion PATTERN]... [--digest sha256:...]
//!          [--format report|metadata-action [--image NAME]... [--annotation-level LEVEL]...]
//! ```
//! Prints `{"tags": [{"value", "kind", "rule"}], "labels": {...}, "violations": [{"code", "message", "tag"}],
//! "warnings": [...]}`, or with `--format metadata-action` docker/metadata-action's outputs
//! (`{"version", "tags", "tag-names", "labels", "annotations", "json"}`, each output as the list of its
//! lines; `--image` are the action's `images`, `--annotation-level` its annotation levels). Exit status: 0 without violations, 1 with violations, 2 on bad input.
//! `--existing` is the output of `aws ecr describe-images` (`{"imageDetails": [...]}`).

use std::process::ExitCode;

use clap::Parser;
use ecr_core::tagging::{BuildContext, RepositoryState, TagPolicy, TagStrategy, evaluate, metadata_action_outputs};
use ecr_core::types::{ImageDetail, TagMutability};
use ecr_core_examples::{Input as _, Verdict, args, finish, read_text};

#[derive(Parser, Debug)]
#[command(
    name = "tag_plan",
    version,
    about = "Plan and check the tags of a build",
    after_help = "Example:\n  tag_plan --from-env --strategy strategy.json --policy production --existing images.json \\\n    \
                  --mutability IMMUTABLE"
)]
struct Args {
    /// The build context (JSON file).
    #[arg(long, conflicts_with = "from_env", required_unless_present = "from_env")]
    context: Option<String>,
    /// Read the build context from the CI environment (GitHub Actions, GitLab CI, Buildkite, CircleCI, Jenkins).
    #[arg(long)]
    from_env: bool,
    /// The tag strategy (JSON file).
    #[arg(long)]
    strategy: String,
    /// `production`, `default`, or a policy JSON file.
    #[arg(long)]
    policy: Option<String>,
    /// The repository's images: the output of `aws ecr describe-images` (JSON file).
    #[arg(long)]
    existing: Option<String>,
    /// The repository's tag mutability.
    #[arg(long)]
    mutability: Option<String>,
    /// An exclusion filter of the repository (repeatable).
    #[arg(long = "exclusion")]
    exclusions: Vec<String>,
    /// The digest about to be pushed.
    #[arg(long)]
    digest: Option<String>,
    /// What to print: the report, or docker/metadata-action's outputs.
    #[arg(long, value_enum, default_value_t = Format::Report)]
    format: Format,
    /// With `--format metadata-action`: an image the tags are for (repeatable; the action's `images`).
    #[arg(long = "image")]
    images: Vec<String>,
    /// With `--format metadata-action`: an annotation level (repeatable; default `manifest`).
    #[arg(long = "annotation-level")]
    annotation_levels: Vec<String>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// The plan report.
    Report,
    /// docker/metadata-action's outputs.
    MetadataAction,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeImagesOutput {
    image_details: Vec<ImageDetail>,
}

fn run(args: Args) -> anyhow::Result<Verdict> {
    let context = match &args.context {
        Some(path) => BuildContext::from_json(&read_text(path)?).input(path)?,
        None => BuildContext::from_process_env().input("CI environment")?,
    };
    let strategy = TagStrategy::from_json(&read_text(&args.strategy)?).input(&args.strategy)?;
    let policy = match args.policy.as_deref() {
        None => TagPolicy::default(),
        Some(name) => match TagPolicy::named(name) {
            Some(p) => p,
            None => TagPolicy::from_json(&read_text(name)?).input(name)?,
        },
    };
    let images = match &args.existing {
        Some(path) => {
            let out: DescribeImagesOutput = serde_json::from_str(&read_text(path)?).input(path)?;
            Some(out.image_details)
        }
        None => None,
    };
    let mutability = match args.mutability.as_deref() {
        Some(m) => Some(TagMutability::parse(m).ok_or_else(|| {
            ecr_core::Error::invalid(
                "--mutability",
                format!("{m:?} is not MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION"),
            )
        })?),
        None => None,
    };
    let repository = RepositoryState {
        mutability,
        exclusion_filters: args.exclusions,
        images,
    };
    let report = evaluate(&strategy, &context, &policy, &repository, args.digest.as_deref())?;
    let text = match args.format {
        Format::Report => report.to_json_pretty(),
        Format::MetadataAction => {
            let plan = strategy.plan(&context, repository.existing_tags())?;
            let outputs = metadata_action_outputs(&plan, &args.images, &args.annotation_levels)?;
            serde_json::to_string_pretty(&outputs)?
        }
    };
    println!("{text}");
    Ok(Verdict::from_passed(report.is_ok()))
}

fn main() -> ExitCode {
    finish("tag_plan", run(args()))
}
