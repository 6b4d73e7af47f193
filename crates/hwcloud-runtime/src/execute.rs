//! One generic path from a generated operation's input to its decoded output, so that the generated modules
//! describe operations and do not each repeat how a call is made.

use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::decode::decode;
use crate::error::Error;
use crate::operation::{OperationSpec, Request, ResponseMeta};

/// Implemented by every generated operation input.
pub trait OperationInput: Clone + Send + Sync + 'static {
    /// The operation's decoded response.
    type Output: DeserializeOwned + Send + 'static;

    /// Static facts about the operation.
    fn operation() -> &'static OperationSpec;

    /// Whether the call still needs the client's project id: its path has `{project_id}` and the caller left it
    /// unset. [`Client::execute`] then resolves one (see [`Client::resolve_project_id`]) before
    /// [`OperationInput::into_request`], which fills it synchronously from [`Client::project_id`].
    fn needs_project_id(&self) -> bool {
        Self::operation().path_template.contains("{project_id}")
    }

    /// Fills what the client configures for every call (the project id, when the caller left it unset), checks
    /// every documented rule, and builds the request. Nothing is sent when this fails.
    fn into_request(self, client: &Client) -> Result<Request, Error>;

    /// Keeps the response's status and request id on the output.
    fn set_meta(output: &mut Self::Output, meta: ResponseMeta);
}

impl Client {
    /// Validates and sends a generated operation's input, then decodes its documented response. A project id the
    /// input needs and the client lacks is looked up first (AK/SK credentials with a region), once the service's
    /// endpoint is known.
    pub async fn execute<I: OperationInput>(&self, input: I) -> Result<I::Output, Error> {
        if input.needs_project_id() {
            // An unknown region fails here, before the lookup sends anything.
            self.endpoints_of(I::operation().service)?;
            self.resolve_project_id().await?;
        }
        let request = input.into_request(self)?;
        let raw = self.send(request).await?;
        let mut output: I::Output = decode(I::operation(), &raw)?;
        I::set_meta(&mut output, ResponseMeta::from(&raw));
        Ok(output)
    }
}
