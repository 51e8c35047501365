//! Repository policy analysis: "build once, consume read-only". Any `Allow` statement that grants a
//! push or delete action to a principal outside the account, or names a wildcard principal, is a finding.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, FieldError, Result};

/// Actions that change or delete images (or the repository): none may be granted outside the account.
pub const WRITE_ACTIONS: [&str; 11] = [
    "ecr:PutImage",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
    "ecr:BatchDeleteImage",
    "ecr:DeleteRepository",
    "ecr:SetRepositoryPolicy",
    "ecr:DeleteRepositoryPolicy",
    "ecr:PutLifecyclePolicy",
    "ecr:PutImageTagMutability",
    "ecr:TagResource",
];

/// One problem in a repository policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PolicyFinding {
    /// `Statement[i]` (and its `Sid` when it has one).
    pub statement: String,
    /// The principal concerned (`*` for a wildcard).
    pub principal: String,
    /// The write actions granted (empty for a wildcard principal with read actions only).
    pub actions: Vec<String>,
    /// What is wrong.
    pub message: String,
}

/// Case-insensitive IAM wildcard match (`*` any run, `?` one character).
fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let t: Vec<char> = text.to_ascii_lowercase().chars().collect();
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect(),
        _ => Vec::new(),
    }
}

/// The account of an AWS principal (`123456789012`, `arn:aws:iam::123456789012:root`, ...).
fn principal_account(p: &str) -> Option<&str> {
    if p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()) {
        return Some(p);
    }
    let parts: Vec<&str> = p.splitn(6, ':').collect();
    (parts.len() >= 5 && parts[0] == "arn")
        .then(|| parts[4])
        .filter(|a| !a.is_empty())
}

/// Analyses a repository policy against `account_id`. Malformed JSON or statements are a
/// [`Error::PolicyValidation`] with the path of each problem.
pub fn analyse_repository_policy(text: &str, account_id: &str) -> Result<Vec<PolicyFinding>> {
    let invalid = |errors: Vec<FieldError>| Error::PolicyValidation {
        what: "repository policy".into(),
        errors,
    };
    let doc: Value =
        serde_json::from_str(text).map_err(|e| invalid(vec![FieldError::new("", format!("not valid JSON: {e}"))]))?;
    let statements = match doc.get("Statement") {
        Some(Value::Array(a)) => a.clone(),
        Some(obj @ Value::Object(_)) => vec![obj.clone()],
        _ => {
            return Err(invalid(vec![FieldError::new(
                "Statement",
                "missing or not an array/object",
            )]));
        }
    };
    let mut findings = Vec::new();
    for (i, st) in statements.iter().enumerate() {
        let path = match st.get("Sid").and_then(Value::as_str) {
            Some(sid) => format!("Statement[{i}] ({sid})"),
            None => format!("Statement[{i}]"),
        };
        let effect = st.get("Effect").and_then(Value::as_str).unwrap_or_default();
        if effect != "Allow" {
            if effect != "Deny" {
                return Err(invalid(vec![FieldError::new(
                    format!("Statement[{i}].Effect"),
                    "must be Allow or Deny",
                )]));
            }
            continue;
        }
        // Write actions this statement grants.
        let granted: Vec<String> = if let Some(not) = st.get("NotAction") {
            let excluded = strings(Some(not));
            WRITE_ACTIONS
                .iter()
                .filter(|a| !excluded.iter().any(|p| glob_match(p, a)))
                .map(|a| (*a).to_owned())
                .collect()
        } else {
            let actions = strings(st.get("Action"));
            WRITE_ACTIONS
                .iter()
                .filter(|a| actions.iter().any(|p| glob_match(p, a)))
                .map(|a| (*a).to_owned())
                .collect()
        };
        let principals: Vec<String> = match st.get("Principal") {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Object(m)) => m
                .iter()
                .flat_map(|(kind, v)| {
                    strings(Some(v))
                        .into_iter()
                        .map(move |p| if kind == "AWS" { p } else { format!("{kind}:{p}") })
                })
                .collect(),
            None if st.get("NotPrincipal").is_some() => vec!["*".to_owned()],
            _ => Vec::new(),
        };
        for p in principals {
            if p == "*" {
                let conditioned = if st.get("Condition").is_some() {
                    " (with a Condition)"
                } else {
                    ""
                };
                findings.push(PolicyFinding {
                    statement: path.clone(),
                    principal: p,
                    actions: granted.clone(),
                    message: format!("wildcard principal{conditioned}"),
                });
                continue;
            }
            if granted.is_empty() {
                continue;
            }
            match principal_account(&p) {
                Some(acct) if acct == account_id => {}
                Some(acct) => findings.push(PolicyFinding {
                    statement: path.clone(),
                    principal: p.clone(),
                    actions: granted.clone(),
                    message: format!("account {acct} outside {account_id} may push or delete"),
                }),
                None if p.contains(':') => {} // service principals (Service:...) act for the account
                None => findings.push(PolicyFinding {
                    statement: path.clone(),
                    principal: p.clone(),
                    actions: granted.clone(),
                    message: "unrecognised principal may push or delete".to_owned(),
                }),
            }
        }
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("ecr:*", "ecr:PutImage"));
        assert!(glob_match("ECR:put*", "ecr:PutImage"));
        assert!(glob_match("*", "ecr:BatchDeleteImage"));
        assert!(!glob_match("ecr:Batch*", "ecr:PutImage"));
        assert!(glob_match("ecr:?utImage", "ecr:PutImage"));
    }

    #[test]
    fn malformed_policies_name_the_problem() {
        let e = analyse_repository_policy("{", "1").unwrap_err();
        assert_eq!(e.code(), "PolicyValidation");
        let e = analyse_repository_policy(r#"{"Statement":[{"Effect":"Maybe"}]}"#, "1").unwrap_err();
        assert_eq!(e.field_errors()[0].path, "Statement[0].Effect");
    }
}
