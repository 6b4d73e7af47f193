//! One generic path from a generated operation's input to its decoded output, so that the generated modules
//! describe operations and do not each repeat how a call is made.

use serde::de::DeserializeOwned;

use crate::call::CallOptions;
use crate::client::Client;
use crate::decode::{decode, decode_with};
use crate::error::Error;
use crate::operation::{OperationSpec, Request, ResponseMeta};

/// Implemented by every generated operation input.
pub trait OperationInput: Clone + Send + Sync + 'static {
    /// The operation's decoded response.
    type Output: DeserializeOwned + Send + 'static;

    /// Static facts about the operation.
    const OPERATION: &'static OperationSpec;

    /// The input's project id, for operations scoped to a project: left unset, the client fills in its own.
    fn project_id_mut(&mut self) -> Option<&mut Option<String>> {
        None
    }

    /// Checks every documented rule; the error lists every violation at once. An input whose documentation
    /// states no rule keeps this default.
    fn validate(&self) -> Result<(), Error> {
        Ok(())
    }

    /// Checks every documented rule, then builds the request. Nothing is sent when this fails.
    fn to_request(&self) -> Result<Request, Error>;

    /// Keeps the response's status and request id on the output.
    fn set_meta(output: &mut Self::Output, meta: ResponseMeta);
}

impl Client {
    /// Validates and sends a generated operation's input, then decodes its documented response. A project id the
    /// input needs and the client lacks is looked up first (AK/SK credentials with a region), once the service's
    /// endpoint is known.
    pub async fn execute<I: OperationInput>(&self, input: I) -> Result<I::Output, Error> {
        self.execute_with(input, &CallOptions::default()).await
    }

    /// As [`Client::execute`], with per-call timeouts or retries.
    pub async fn execute_with<I: OperationInput>(
        &self,
        mut input: I,
        options: &CallOptions,
    ) -> Result<I::Output, Error> {
        if let Some(slot) = input.project_id_mut().filter(|slot| slot.is_none()) {
            // An unknown region fails here, before a lookup sends anything.
            self.endpoints_of(I::OPERATION.service)?;
            *slot = Some(match self.project_id() {
                Some(project) => project.to_owned(),
                // Boxed: a lookup is rare, and inline its future would enlarge every call's.
                None => Box::pin(self.project_id_to_fill(I::OPERATION)).await?,
            });
        }
        let request = input.to_request()?;
        let raw = self.send_with(request, options).await?;
        let mut output: I::Output = match decode(I::OPERATION, &raw) {
            Ok(output) => output,
            // Rebuilt with the secrets masked in the whole body, not just in the snippet it shows.
            Err(_) => decode_with(I::OPERATION, &raw, &self.redactor())?,
        };
        I::set_meta(&mut output, ResponseMeta { status: raw.status, request_id: raw.request_id });
        Ok(output)
    }

    /// The project id to fill into an input that is scoped to a project and names none, when the client has none
    /// configured: looked up when possible (AK/SK credentials with a region, see [`Client::resolve_project_id`]).
    async fn project_id_to_fill(&self, op: &'static OperationSpec) -> Result<String, Error> {
        match self.resolve_project_id().await? {
            Some(project) => Ok(project.to_owned()),
            None => Err(Error::Config(format!(
                "{op} needs a project id and none is configured: set one on the client \
                 (`Client::builder().project_id(..)` or the HUAWEICLOUD_SDK_PROJECT_ID variable), or on this call \
                 with `.project_id(..)`"
            ))),
        }
    }
}
