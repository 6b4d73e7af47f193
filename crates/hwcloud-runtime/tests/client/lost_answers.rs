//! A delete whose first answer was lost (or a 5xx) and whose retry finds the resource gone has done what was
//! asked: the call succeeds. Only deletes, only after an attempt that may have been carried out, only with the
//! operation's documented not-found codes.

use crate::support::{builder, http_answer, raw_server, Logs, NO_SUCH_BACKUP};
use crate::support::{DELETE, GES};
use hwcloud_runtime::{Method, OperationSpec, Request};

fn delete() -> Request {
    Request::new(&DELETE, "/v2/p/graphs/g/backups/b-1".into())
}

fn not_found() -> String {
    http_answer("400 Bad Request", &[("X-Request-Id", "req-gone")], NO_SUCH_BACKUP)
}

#[tokio::test]
async fn a_delete_whose_answer_was_lost_succeeds_when_the_retry_finds_the_backup_gone() {
    // The first request is read whole (processed) and its connection closed without an answer.
    let (addr, received) = raw_server(|n, _| (n > 1).then(not_found)).await;
    let (logs, _guard) = Logs::capture();
    let raw = builder(addr).build().unwrap().send(delete()).await.unwrap();
    assert_eq!((raw.status, raw.body.len(), raw.request_id.as_deref()), (200, 0, Some("req-gone")));
    assert_eq!(received.count(), 2);
    assert!(logs.text().contains("the resource is now gone: the call succeeds"), "{}", logs.text());
}

#[tokio::test]
async fn a_delete_answered_503_then_not_found_succeeds() {
    let (addr, received) =
        raw_server(|n, _| Some(if n == 1 { http_answer("503 Service Unavailable", &[], "{}") } else { not_found() }))
            .await;
    let raw = builder(addr).build().unwrap().send(delete()).await.unwrap();
    assert_eq!(raw.status, 200);
    assert_eq!(received.count(), 2);
}

#[tokio::test]
async fn a_delete_of_a_backup_that_never_existed_still_fails() {
    let (addr, received) = raw_server(|_, _| Some(not_found())).await;
    let err = builder(addr).build().unwrap().send(delete()).await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(received.count(), 1);
}

static SHOW: OperationSpec = OperationSpec {
    service: &GES,
    name: "show_backup",
    method: Method::Get,
    path_template: "/v2/{project_id}/graphs/{graph_id}/backups/{backup_id}",
    success: &[200],
    idempotent: true,
    not_found: &["GES.7024"],
};

#[tokio::test]
async fn a_read_that_finds_nothing_after_a_lost_answer_still_fails() {
    let (addr, _) = raw_server(|n, _| (n > 1).then(not_found)).await;
    let client = builder(addr).build().unwrap();
    let err = client.send(Request::new(&SHOW, "/v2/p/graphs/g/backups/b-1".into())).await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
}

static DELETE_WITHOUT_CODES: OperationSpec = OperationSpec {
    service: &GES,
    name: "delete_other",
    method: Method::Delete,
    path_template: "/v2/{project_id}/graphs/{graph_id}/backups/{backup_id}",
    success: &[200],
    idempotent: true,
    not_found: &[],
};

#[tokio::test]
async fn a_code_the_delete_does_not_document_as_not_found_is_no_proof() {
    let (addr, _) = raw_server(|n, _| (n > 1).then(not_found)).await;
    let request = Request::new(&DELETE_WITHOUT_CODES, "/v2/p/graphs/g/backups/b-1".into());
    let err = builder(addr).build().unwrap().send(request).await.unwrap_err();
    assert_eq!(err.code(), Some("GES.7024"), "{err:?}");
}
