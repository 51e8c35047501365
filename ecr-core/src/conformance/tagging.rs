//! Tag mutability cases: for each tag, whether ECR lets another image take it, against
//! [`RepositoryState::is_tag_immutable`] (the `WILDCARD` exclusion filter matcher).

use super::corpus::TagCase;
use super::report::{Area, CaseReport};
use super::scratch::Scratch;
use crate::error::{Error, Result};
use crate::tagging::RepositoryState;

/// Runs one setting's tags in a repository of its own.
pub(crate) async fn tag_case(scratch: &Scratch, index: usize, case: &TagCase) -> Vec<CaseReport> {
    let state = RepositoryState {
        mutability: Some(case.mutability),
        exclusion_filters: case.filters.clone(),
        images: None,
    };
    let title = |tag: &str| format!("{} {}: {tag}", case.mutability.as_str(), case.filters.join(","));
    let filters: Vec<&str> = case.filters.iter().map(String::as_str).collect();
    let repo = match scratch
        .repository(&format!("tagging-{index}"), case.mutability, &filters)
        .await
    {
        Ok(r) => r.repository_name,
        Err(e) => {
            return case
                .tags
                .iter()
                .map(|t| CaseReport::failed(Area::Tagging, title(t), "-".into(), &e))
                .collect();
        }
    };
    let mut out = Vec::with_capacity(case.tags.len());
    for tag in &case.tags {
        let ours = state.is_tag_immutable(tag).unwrap_or(false);
        let overwrite = async {
            scratch.push(&repo, &format!("{repo}:{tag}#1"), Some(tag)).await?;
            scratch.push(&repo, &format!("{repo}:{tag}#2"), Some(tag)).await
        }
        .await;
        out.push(overwrite_verdict(title(tag), ours, overwrite.map(|_| ())));
    }
    out
}

/// Compares ecr-core's `immutable` with the outcome of pushing a second image under the tag.
pub(crate) fn overwrite_verdict(title: String, immutable: bool, second_push: Result<()>) -> CaseReport {
    let name = |immutable: bool| if immutable { "immutable" } else { "mutable" }.to_owned();
    match second_push {
        Ok(()) => CaseReport::compared(
            Area::Tagging,
            title,
            name(immutable),
            "overwritten: mutable".into(),
            !immutable,
        ),
        // ECR's answer to a tag it keeps fixed (moto answers ImageAlreadyExistsException instead).
        Err(Error::Service { aws_code, .. })
            if aws_code == "ImageTagAlreadyExistsException" || aws_code == "ImageAlreadyExistsException" =>
        {
            CaseReport::compared(
                Area::Tagging,
                title,
                name(immutable),
                format!("refused ({aws_code}): immutable"),
                immutable,
            )
        }
        Err(e) => CaseReport::failed(Area::Tagging, title, name(immutable), &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conformance::report::Verdict;

    #[test]
    fn overwrite_outcomes() {
        let refused = || {
            Err(Error::from_service(
                "ImageTagAlreadyExistsException".into(),
                "The image tag 'v1' already exists".into(),
                None,
            ))
        };
        assert_eq!(overwrite_verdict("t".into(), false, Ok(())).verdict, Verdict::Agree);
        assert_eq!(overwrite_verdict("t".into(), true, Ok(())).verdict, Verdict::Disagree);
        assert_eq!(overwrite_verdict("t".into(), true, refused()).verdict, Verdict::Agree);
        let row = overwrite_verdict("t".into(), false, refused());
        assert_eq!(row.verdict, Verdict::Disagree);
        assert_eq!(row.ecr, "refused (ImageTagAlreadyExistsException): immutable");
        let denied = Err(Error::from_service("AccessDeniedException".into(), "no".into(), None));
        assert_eq!(overwrite_verdict("t".into(), false, denied).verdict, Verdict::Error);
    }
}
