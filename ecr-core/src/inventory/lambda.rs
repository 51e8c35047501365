//! AWS Lambda: every image function's versions (`$LATEST` and every published one) by the digest Lambda
//! resolved (`Code.ResolvedImageUri` from GetFunction, never `ImageUri`, which may be a tag that has moved
//! since), and every alias through the versions it routes to.

use std::collections::BTreeMap;

use aws_sdk_lambda::Client;
use aws_sdk_lambda::types::PackageType;
use futures::StreamExt;

use crate::error::{Error, Result};
use crate::time::Timestamp;

use super::ecs::{arn_account, arn_region};
use super::model::{Usage, UsageKind};
use super::sighting::Sighting;

/// Lambda's `LastModified` (`2024-01-02T03:04:05.678+0000`) or an RFC 3339 instant.
fn last_modified(text: Option<&str>) -> Option<Timestamp> {
    let text = text?;
    chrono::DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z")
        .map(|t| t.with_timezone(&chrono::Utc))
        .ok()
        .or_else(|| crate::time::parse_str(text))
}

fn usage(kind: UsageKind, arn: &str, reference: &str, since: Option<Timestamp>) -> Usage {
    Usage {
        kind,
        name: arn.to_owned(),
        account: arn_account(arn),
        region: arn_region(arn),
        reference: Some(reference.to_owned()),
        since,
        via: None,
    }
}

/// Reads every image function of the client's region into `out`, at most `concurrency` functions at once;
/// stops at the first failure.
pub(crate) async fn read(client: &Client, concurrency: usize, out: &mut Vec<Sighting>) -> Result<()> {
    let functions = all_items!(client.list_functions())?;
    let names: Vec<String> = functions
        .iter()
        .filter(|f| f.package_type() == Some(&PackageType::Image))
        .filter_map(|f| f.function_name().map(str::to_owned))
        .collect();
    // Owned items: a closure over `&String` makes the future not provably `Send`.
    let read: Vec<Result<Vec<Sighting>>> = futures::stream::iter(names)
        .map(|name| async move { function(client, &name).await })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    for sightings in read {
        out.extend(sightings?);
    }
    Ok(())
}

/// Every version and alias of one image function.
async fn function(client: &Client, name: &str) -> Result<Vec<Sighting>> {
    let mut out = Vec::new();
    let versions = all_items!(client.list_versions_by_function().function_name(name))?;
    // version -> (resolved URI, the version's ARN)
    let mut resolved: BTreeMap<String, (String, String)> = BTreeMap::new();
    for version in versions {
        let Some(v) = version.version() else { continue };
        let got = client
            .get_function()
            .function_name(name)
            .qualifier(v)
            .send()
            .await
            .map_err(Error::from_sdk)?;
        let Some(uri) = got.code().and_then(|c| c.resolved_image_uri().or(c.image_uri())) else {
            continue;
        };
        let arn = version.function_arn().unwrap_or(name);
        let arn = if v == "$LATEST" && !arn.ends_with(":$LATEST") {
            format!("{arn}:$LATEST")
        } else {
            arn.to_owned()
        };
        out.push(Sighting {
            reference: uri.to_owned(),
            digest: None,
            usage: usage(
                UsageKind::LambdaVersion,
                &arn,
                uri,
                last_modified(version.last_modified()),
            ),
        });
        resolved.insert(v.to_owned(), (uri.to_owned(), arn));
    }
    let aliases = all_items!(client.list_aliases().function_name(name))?;
    for alias in aliases {
        let arn = alias.alias_arn().unwrap_or(name);
        let weighted = alias
            .routing_config()
            .and_then(|r| r.additional_version_weights())
            .map(|w| w.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default();
        for v in alias.function_version().map(str::to_owned).into_iter().chain(weighted) {
            match resolved.get(&v) {
                Some((uri, _)) => out.push(Sighting {
                    reference: uri.clone(),
                    digest: None,
                    usage: usage(UsageKind::LambdaAlias, arn, uri, None),
                }),
                None => {
                    return Err(Error::Service {
                        aws_code: "AliasVersionNotListed".into(),
                        message: format!(
                            "alias {arn} routes to version {v}, which ListVersionsByFunction did not list"
                        ),
                        request_id: None,
                    });
                }
            }
        }
    }
    Ok(out)
}
