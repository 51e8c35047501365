//! The conformance report: one row per case (ecr-core's answer, ECR's, and whether they agree), as a table
//! for people and as JSON for fixtures and CI.

use serde::{Deserialize, Serialize};

/// The capability a case exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Area {
    /// `LifecyclePolicy::evaluate` against ECR's lifecycle policy preview.
    Lifecycle,
    /// The lifecycle policy validator against `PutLifecyclePolicy`.
    Validation,
    /// The tag mutability exclusion filter matcher against overwriting a tag in ECR.
    Tagging,
    /// The scan waiter against the status sequence of a basic scan.
    Scan,
    /// The registry host parser and token handling against `GetAuthorizationToken`.
    Auth,
}

impl Area {
    /// Every area, in the order the suite runs them.
    pub const ALL: [Area; 5] = [Area::Validation, Area::Tagging, Area::Auth, Area::Scan, Area::Lifecycle];

    /// The lower-case name (`lifecycle`, `validation`, `tagging`, `scan`, `auth`).
    pub fn as_str(self) -> &'static str {
        match self {
            Area::Lifecycle => "lifecycle",
            Area::Validation => "validation",
            Area::Tagging => "tagging",
            Area::Scan => "scan",
            Area::Auth => "auth",
        }
    }

    /// The area of a name given by [`Area::as_str`].
    pub fn parse(name: &str) -> Option<Area> {
        Area::ALL.into_iter().find(|a| a.as_str() == name)
    }
}

/// How ecr-core's answer compares with ECR's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    /// Both give the same answer.
    Agree,
    /// The answers differ: a candidate fixture.
    Disagree,
    /// The case could not be run here (the reason is in the ECR column).
    Skipped,
    /// The case failed before ECR answered (the error is in the ECR column).
    Error,
}

impl Verdict {
    /// `yes`, `NO`, `skipped` or `ERROR` (the table's last column).
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Agree => "yes",
            Verdict::Disagree => "NO",
            Verdict::Skipped => "skipped",
            Verdict::Error => "ERROR",
        }
    }
}

/// One case of the corpus and both answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaseReport {
    /// The capability exercised.
    pub area: Area,
    /// The case's name (the fixture's name where it comes from a fixture).
    pub case: String,
    /// What ecr-core decides offline.
    pub ecr_core: String,
    /// What ECR answered (or why it could not be asked).
    pub ecr: String,
    /// Whether they agree.
    pub verdict: Verdict,
}

impl CaseReport {
    /// A case whose two answers were compared: agreeing when `agree`.
    pub fn compared(area: Area, case: impl Into<String>, ecr_core: String, ecr: String, agree: bool) -> Self {
        Self {
            area,
            case: case.into(),
            ecr_core,
            ecr,
            verdict: if agree { Verdict::Agree } else { Verdict::Disagree },
        }
    }

    /// A case that failed with `error` before both answers were known.
    pub fn failed(area: Area, case: impl Into<String>, ecr_core: String, error: &crate::Error) -> Self {
        Self {
            area,
            case: case.into(),
            ecr_core,
            ecr: format!("error: {error}"),
            verdict: Verdict::Error,
        }
    }
}

/// What happened to one scratch repository at the end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Cleanup {
    /// The repository.
    pub repository: String,
    /// `None` when it is gone; otherwise why it could not be deleted (delete it by hand).
    pub error: Option<String>,
}

/// The whole run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The region run against.
    pub region: String,
    /// Every case run, in order.
    pub cases: Vec<CaseReport>,
    /// Whether the run was interrupted (the cases after the interruption are missing).
    pub interrupted: bool,
    /// Why the suite stopped before its end other than by interruption (a panic), if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
    /// Every scratch repository created, and whether it was deleted.
    pub cleanup: Vec<Cleanup>,
}

impl Report {
    /// The widest cell of [`Report::table`], in characters.
    pub const CELL_CHARS: usize = 90;

    /// The number of cases with `verdict`.
    pub fn count(&self, verdict: Verdict) -> usize {
        self.cases.iter().filter(|c| c.verdict == verdict).count()
    }

    /// The scratch repositories that could not be deleted.
    pub fn leftovers(&self) -> Vec<&str> {
        self.cleanup
            .iter()
            .filter(|c| c.error.is_some())
            .map(|c| c.repository.as_str())
            .collect()
    }

    /// 0 when every case agrees (or was skipped), 1 when one disagrees, 2 when a case failed, the run was
    /// interrupted or stopped, or a scratch repository is left over.
    pub fn exit_code(&self) -> i32 {
        if self.interrupted || self.stopped.is_some() || self.count(Verdict::Error) > 0 || !self.leftovers().is_empty()
        {
            2
        } else if self.count(Verdict::Disagree) > 0 {
            1
        } else {
            0
        }
    }

    /// The report as an aligned text table (`area  case  ecr-core  ECR  agree?`) with a summary line. Cells
    /// longer than [`Report::CELL_CHARS`] are cut with `…` (the JSON report has them whole).
    pub fn table(&self) -> String {
        const HEAD: [&str; 5] = ["area", "case", "ecr-core", "ECR", "agree?"];
        let cut = |text: &str| -> String {
            if text.chars().count() <= Self::CELL_CHARS {
                text.to_owned()
            } else {
                text.chars().take(Self::CELL_CHARS - 1).chain(['…']).collect()
            }
        };
        let cells: Vec<[String; 3]> = self
            .cases
            .iter()
            .map(|c| [cut(&c.case), cut(&c.ecr_core), cut(&c.ecr)])
            .collect();
        let rows: Vec<[&str; 5]> = self
            .cases
            .iter()
            .zip(&cells)
            .map(|(c, [case, ours, theirs])| [c.area.as_str(), case, ours, theirs, c.verdict.as_str()])
            .collect();
        let mut widths = HEAD.map(str::len);
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: &[&str; 5]| {
            let mut out = String::new();
            for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
                out.push_str(cell);
                if i + 1 < cells.len() {
                    out.push_str(&" ".repeat(w - cell.chars().count() + 2));
                }
            }
            out.push('\n');
            out
        };
        let mut out = line(&HEAD);
        for row in &rows {
            out.push_str(&line(row));
        }
        out.push_str(&format!(
            "{} agree, {} disagree, {} skipped, {} failed{}\n",
            self.count(Verdict::Agree),
            self.count(Verdict::Disagree),
            self.count(Verdict::Skipped),
            self.count(Verdict::Error),
            if self.interrupted { "; INTERRUPTED" } else { "" }
        ));
        if let Some(why) = &self.stopped {
            out.push_str(&format!("{why}\n"));
        }
        let leftovers = self.leftovers();
        if !leftovers.is_empty() {
            out.push_str(&format!("NOT DELETED (delete by hand): {}\n", leftovers.join(", ")));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn row(verdict: Verdict) -> CaseReport {
        CaseReport {
            area: Area::Tagging,
            case: "c".into(),
            ecr_core: "a".into(),
            ecr: "b".into(),
            verdict,
        }
    }

    #[test]
    fn exit_codes_rank_errors_over_disagreements() {
        let mut r = Report {
            region: "eu-west-1".into(),
            cases: vec![row(Verdict::Agree), row(Verdict::Skipped)],
            interrupted: false,
            stopped: None,
            cleanup: vec![],
        };
        assert_eq!(r.exit_code(), 0);
        r.cases.push(row(Verdict::Disagree));
        assert_eq!(r.exit_code(), 1);
        r.cleanup.push(Cleanup {
            repository: "x".into(),
            error: Some("denied".into()),
        });
        assert_eq!(r.exit_code(), 2);
        assert!(r.table().contains("NOT DELETED (delete by hand): x"), "{}", r.table());
        r.cleanup.clear();
        r.interrupted = true;
        assert_eq!(r.exit_code(), 2);
    }

    #[test]
    fn table_aligns_columns() {
        let mut long = row(Verdict::Disagree);
        long.case = "a much longer case name".into();
        let r = Report {
            region: "eu-west-1".into(),
            cases: vec![row(Verdict::Agree), long],
            interrupted: false,
            stopped: None,
            cleanup: vec![],
        };
        let table = r.table();
        let lines: Vec<&str> = table.lines().collect();
        let ecr_column = lines[0].find("ECR").unwrap();
        for l in &lines[1..3] {
            assert_eq!(l.rfind(" b ").unwrap() + 1, ecr_column, "{table}");
        }
        assert!(lines[2].ends_with("NO"), "{table}");
        assert!(table.ends_with("1 agree, 1 disagree, 0 skipped, 0 failed\n"), "{table}");
        let mut wide = row(Verdict::Agree);
        wide.ecr = "x".repeat(200);
        let r = Report { cases: vec![wide], ..r };
        let line = r.table().lines().nth(1).unwrap().to_owned();
        assert!(
            line.contains(&format!("{}…", "x".repeat(Report::CELL_CHARS - 1))),
            "{line}"
        );
        assert!(!line.contains(&"x".repeat(Report::CELL_CHARS)), "{line}");
    }
}
