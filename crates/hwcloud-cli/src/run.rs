//! What every generated command does with the library's answer: one response as its documented JSON, a listing's
//! pages merged into the documented shape, a started job's final state added to the response, or, for
//! `--dry-run`, the signed request instead of a response.

use hwcloud::prelude::*;
use hwcloud::runtime::OperationInput;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::command::CommandSpec;
use crate::failure::Failure;
use crate::flags::Args;
use crate::output::Output;
use crate::Ctx;

fn to_json<T: Serialize>(value: &T) -> Result<Value, Failure> {
    serde_json::to_value(value).map_err(|e| Failure::Response(format!("cannot show the response as JSON: {e}")))
}

/// One response, as documented.
pub fn single<O: Serialize>(command: &'static CommandSpec, output: O) -> Result<Output, Failure> {
    Ok(Output::Data { value: to_json(&output)?, listing: command.listing.as_ref() })
}

/// Every page (or the first `--max-items` items) merged into the first page's shape: the documented items field
/// holds all items, and the total is the server's, so a query written for one page works for all.
pub async fn pages<O: Serialize>(
    command: &'static CommandSpec,
    args: &Args<'_>,
    mut pages: futures::stream::BoxStream<'static, Result<O, hwcloud::Error>>,
) -> Result<Output, Failure> {
    let Some(listing) = command.listing.as_ref() else {
        return Err(Failure::Response("this command does not page".into()));
    };
    let limit = args.max_items();
    let mut first: Option<Map<String, Value>> = None;
    let mut items: Vec<Value> = Vec::new();
    while limit.is_none_or(|max| items.len() < max) {
        let Some(page) = pages.next().await else { break };
        let mut page = match to_json(&page?)? {
            Value::Object(map) => map,
            other => return Err(Failure::Response(format!("a page is not a JSON object: {other}"))),
        };
        if let Some(Value::Array(page_items)) = page.remove(listing.items) {
            items.extend(page_items);
        }
        first.get_or_insert(page);
    }
    if let Some(max) = limit {
        items.truncate(max);
    }
    let mut merged = first.unwrap_or_default();
    merged.insert(listing.items.to_owned(), Value::Array(items));
    Ok(Output::Data { value: Value::Object(merged), listing: Some(listing) })
}

/// The job id a started operation returned, or an error saying there is none to wait for.
pub fn job_id(
    command: &'static CommandSpec,
    id: Option<String>,
    status: u16,
    request_id: Option<&str>,
) -> Result<String, Failure> {
    id.filter(|id| !id.is_empty()).ok_or_else(|| {
        Failure::Response(format!(
            "{}: HTTP {status} without a job id, so there is nothing to wait for (request id: {})",
            command.operation,
            request_id.unwrap_or("none")
        ))
    })
}

/// The starting response with the final job's fields added (those the response does not have already).
pub fn merged<A: Serialize, B: Serialize>(
    command: &'static CommandSpec,
    started: &A,
    job: &B,
) -> Result<Output, Failure> {
    let mut value = to_json(started)?;
    if let (Value::Object(out), Value::Object(job)) = (&mut value, to_json(job)?) {
        for (key, field) in job {
            out.entry(key).or_insert(field);
        }
    }
    Ok(Output::Data { value, listing: command.listing.as_ref() })
}

/// `--dry-run`: the request validated, signed and shown (method, URL, headers with credentials masked, body),
/// and not sent. The project id must be known without asking IAM, since nothing is sent.
pub async fn dry_run<I: OperationInput>(ctx: &Ctx, mut input: I) -> Result<Output, Failure> {
    let client = ctx.client()?;
    if let Some(slot) = input.project_id_mut() {
        if slot.is_none() {
            let configured = client.runtime().project_id().ok_or_else(|| {
                Failure::Config(
                    "--dry-run sends nothing, so it does not look the project id up in IAM: give --project-id, \
                     HUAWEICLOUD_SDK_PROJECT_ID or the profile's project_id"
                        .into(),
                )
            })?;
            *slot = Some(configured.to_owned());
        }
    }
    let request = input.to_request()?;
    let signed = client.runtime().prepare_signed(request).await?;
    let mut headers = Map::new();
    for (name, value) in signed.headers() {
        let text = String::from_utf8_lossy(value.as_bytes());
        let shown = if value.is_sensitive() { mask(&text) } else { text.into_owned() };
        headers.insert(name.as_str().to_owned(), Value::String(shown));
    }
    let body = match signed.body() {
        None => Value::Null,
        Some(bytes) => {
            serde_json::from_slice(bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into()))
        }
    };
    let value = json!({
        "method": signed.method().as_str(),
        "url": signed.url(),
        "headers": Value::Object(headers),
        "body": body,
    });
    Ok(Output::Data { value, listing: None })
}

/// A credential header as shown: an AK/SK `Authorization` keeps its access key and signed headers, the signature
/// and any token become `***`.
fn mask(value: &str) -> String {
    match value.find("Signature=") {
        Some(at) => format!("{}Signature=***", &value[..at]),
        None => "***".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn signatures_and_tokens_are_masked() {
        let header = "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=abc123";
        assert_eq!(super::mask(header), "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=***");
        assert_eq!(super::mask("token-value"), "***");
    }
}
