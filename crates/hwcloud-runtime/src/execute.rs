//! One generic path from a generated operation's input to its decoded output, so that the generated modules
//! describe operations and do not each repeat how a call is made.

use serde::de::DeserializeOwned;

use crate::call::CallOptions;
use crate::client::Client;
use crate::decode::{decode, decode_with};
use crate::error::Error;
use crate::operation::{OperationSpec, RawResponse, Request, ResponseMeta};
use futures::future::{BoxFuture, Either};
use futures::FutureExt;
use std::future::Future;

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
    /// endpoint is known. The input is checked and the request built at once; nothing is sent until the returned
    /// future is awaited.
    pub fn execute<I: OperationInput>(
        &self,
        input: I,
    ) -> impl Future<Output = Result<I::Output, Error>> + Send + use<'_, I> {
        self.execute_with(input, &CallOptions::default())
    }

    /// As [`Client::execute`], with per-call timeouts or retries.
    pub fn execute_with<'a, I: OperationInput>(
        &'a self,
        mut input: I,
        options: &CallOptions,
    ) -> impl Future<Output = Result<I::Output, Error>> + Send + use<'a, I> {
        let options = *options;
        match self.fill_project_id(&mut input) {
            Ok(true) => Either::Left(self.send_input(input, options)),
            // Boxed: a lookup is rare, and inline its future would enlarge every call's.
            Ok(false) => Either::Right(Box::pin(async move {
                let project = self.project_id_to_fill(I::OPERATION).await?;
                if let Some(slot) = input.project_id_mut() {
                    *slot = Some(project);
                }
                self.send_input(input, options).await
            }) as BoxFuture<'a, _>),
            Err(error) => Either::Right(Box::pin(std::future::ready(Err(error))) as BoxFuture<'a, _>),
        }
    }

    /// Fills in the client's project id where the input needs one and names none; `false` when it has to be
    /// looked up first.
    fn fill_project_id<I: OperationInput>(&self, input: &mut I) -> Result<bool, Error> {
        if let Some(slot) = input.project_id_mut().filter(|slot| slot.is_none()) {
            // An unknown region fails here, before a lookup sends anything.
            self.endpoints_of(I::OPERATION.service)?;
            match self.project_id() {
                Some(project) => *slot = Some(project.to_owned()),
                None => return Ok(false),
            }
        }
        Ok(true)
    }

    /// Builds the request (the input is not kept past this) and sends it; the response decoded as the output.
    /// Combinators rather than an `async` block, which would hold the call's future twice.
    fn send_input<I: OperationInput>(
        &self,
        input: I,
        options: CallOptions,
    ) -> impl Future<Output = Result<I::Output, Error>> + Send + '_ {
        match input.to_request() {
            Ok(request) => Either::Left(self.call(request, true, options).map(|raw| self.output::<I>(raw?))),
            Err(error) => Either::Right(std::future::ready(Err(error))),
        }
    }

    /// The decoded output with the response's status and request id.
    fn output<I: OperationInput>(&self, raw: RawResponse) -> Result<I::Output, Error> {
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
