//! The lifecycle benchmark's input, shared by the criterion bench (`benches/benches/lifecycle.rs`) and the
//! program that writes it for the Python and Node benchmarks (`benches/src/bin/lifecycle_bench_input.rs`), so
//! all three measure one input.

use chrono::{DateTime, Duration, TimeZone, Utc};
use ecr_core::types::{ImageDetail, ImageStatus};

/// The benchmark policy: 10 rules over every selection and action kind.
pub const POLICY: &str = r#"{"rules":[
 {"rulePriority":1,"selection":{"tagStatus":"tagged","tagPrefixList":["release"],"countType":"imageCountMoreThan","countNumber":500},"action":{"type":"expire"}},
 {"rulePriority":2,"selection":{"tagStatus":"tagged","tagPatternList":["prod-*"],"countType":"imageCountMoreThan","countNumber":200},"action":{"type":"expire"}},
 {"rulePriority":3,"selection":{"tagStatus":"tagged","tagPatternList":["*-rc*"],"countType":"sinceImagePushed","countUnit":"days","countNumber":30},"action":{"type":"expire"}},
 {"rulePriority":4,"selection":{"tagStatus":"tagged","tagPrefixList":["dev"],"countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}},
 {"rulePriority":5,"selection":{"tagStatus":"tagged","tagPatternList":["feature-*-*"],"countType":"sinceImagePushed","countUnit":"days","countNumber":7},"action":{"type":"expire"}},
 {"rulePriority":6,"selection":{"tagStatus":"tagged","tagPrefixList":["pr-"],"countType":"imageCountMoreThan","countNumber":100},"action":{"type":"expire"}},
 {"rulePriority":7,"selection":{"tagStatus":"tagged","tagPatternList":["nightly-*"],"countType":"sinceImagePulled","countUnit":"days","countNumber":30},"action":{"type":"transition","targetStorageClass":"archive"}},
 {"rulePriority":8,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":1},"action":{"type":"expire"}},
 {"rulePriority":9,"selection":{"tagStatus":"any","countType":"sinceImagePushed","countUnit":"days","countNumber":365},"action":{"type":"transition","targetStorageClass":"archive"}},
 {"rulePriority":10,"selection":{"tagStatus":"any","storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days","countNumber":180},"action":{"type":"expire"}}]}"#;

/// The instant the benchmark evaluates at.
pub fn now() -> Option<DateTime<Utc>> {
    Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).single()
}

/// A deterministic repository of `count` images: mixed tag families, 10% untagged, 10% archived, two years
/// of pushes before `now` (a fixed xorshift sequence, so every run and language sees the same images).
pub fn repository(count: usize, now: DateTime<Utc>) -> Vec<ImageDetail> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count)
        .map(|i| {
            let r = next();
            let family = r % 10;
            let tags = match family {
                0 => vec![format!("release-{i}"), format!("v1.{i}")],
                1 => vec![format!("prod-{i}")],
                2 => vec![format!("v2-rc{i}")],
                3 => vec![format!("dev-{i}")],
                4 => vec![format!("feature-x-{i}")],
                5 => vec![format!("pr-{i}")],
                6 => vec![format!("nightly-{i}")],
                7 => vec![],
                _ => vec![format!("git-{i:x}")],
            };
            let pushed = now - Duration::seconds((next() % (730 * 86_400)) as i64);
            let archived = next() % 10 == 0;
            ImageDetail {
                image_digest: format!("sha256:{:016x}{:016x}{:016x}{:016x}", next(), next(), next(), i),
                image_tags: tags,
                image_size_in_bytes: Some((next() % 500_000_000) as i64),
                image_pushed_at: Some(pushed),
                last_recorded_pull_time: (next() % 3 != 0).then(|| pushed + Duration::days((next() % 30) as i64)),
                image_status: if archived {
                    ImageStatus::Archived
                } else {
                    ImageStatus::Active
                },
                last_archived_at: archived.then(|| pushed + Duration::days(((next() % 400) as i64).min(700))),
                ..ImageDetail::default()
            }
        })
        .collect()
}
