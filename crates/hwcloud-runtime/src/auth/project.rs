//! The project id of a region, asked from IAM (`GET /v3/projects?name={region}`, signed) when AK/SK credentials
//! come without one, as the official SDKs do. Answers are cached for the process per IAM endpoint, AK and region,
//! and concurrent first calls share one lookup.

use super::iam::IAM;
use crate::client::Client;
use crate::decode::decode_with;
use crate::error::Error;
use crate::operation::{Method, OperationSpec, RawResponse, Request};
use crate::redact::Redactor;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use tokio::sync::OnceCell;

/// Keystone's "Querying Project Information Based on the Specified Criteria".
pub(crate) static LIST_PROJECTS: OperationSpec = OperationSpec {
    service: &IAM,
    name: "keystone_list_projects",
    method: Method::Get,
    path_template: "/v3/projects",
    success: &[200],
    idempotent: true,
    not_found: &[],
};

/// (IAM endpoint, AK, region) → the project id, once looked up.
type Cache = Mutex<HashMap<(String, String, String), Arc<OnceCell<String>>>>;
static CACHE: LazyLock<Cache> = LazyLock::new(Cache::default);

#[derive(Deserialize)]
struct Projects {
    projects: Vec<Project>,
}

#[derive(Deserialize)]
struct Project {
    id: String,
}

/// The id of the one project named `region`, looked up with `ak`'s signature unless already known.
pub(crate) async fn lookup(client: &Client, ak: &str, region: &str) -> Result<String, Error> {
    let iam = client.endpoint(&IAM)?;
    let cell = {
        let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
        cache.entry((iam.clone(), ak.to_owned(), region.to_owned())).or_default().clone()
    };
    // A failed lookup leaves the cell empty, so the next call asks again.
    cell.get_or_try_init(|| fetch(client, &iam, region)).await.cloned()
}

async fn fetch(client: &Client, iam: &str, region: &str) -> Result<String, Error> {
    let mut request = Request::new(&LIST_PROJECTS, LIST_PROJECTS.path_template.to_owned());
    request.query.push(("name", region.to_owned()));
    let raw = client.send(request).await?;
    let id = only_project(&raw, iam, region, &client.redactor())?;
    tracing::debug!(region, project_id = %id, "looked up the region's project id in IAM");
    Ok(id)
}

fn only_project(raw: &RawResponse, iam: &str, region: &str, redactor: &Redactor) -> Result<String, Error> {
    let answer: Projects = decode_with(&LIST_PROJECTS, raw, redactor)?;
    let fix = "set the project id in code (`ClientBuilder::project_id`), in HUAWEICLOUD_SDK_PROJECT_ID or as \
               `project_id` in the profile file";
    match answer.projects.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(Error::Config(format!(
            "IAM at {iam} lists no project named `{region}` for this access key, so the project id is unknown; \
             check the region, or {fix}"
        ))),
        several => Err(Error::Config(format!(
            "IAM at {iam} lists {} projects named `{region}` ({}), so the project id is ambiguous; {fix}",
            several.len(),
            several.iter().map(|p| p.id.as_str()).collect::<Vec<_>>().join(", ")
        ))),
    }
}
