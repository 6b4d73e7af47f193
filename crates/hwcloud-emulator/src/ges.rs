//! Graph Engine Service: backups of graphs (create, import, export, list, delete), stopping and starting graphs
//! (starting from a backup is how a graph is restored), and job status.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Router;
use hwcloud::ges::types::{GraphBackup, GraphBackupMethod, GraphBackupProductType, GraphBackupStatus};
use hwcloud::ges::{
    create_backup, delete_backup, export_backup, import_backup, list_backups, list_graph_backups, show_job,
    start_graph, stop_graph,
};

use crate::contents::Dataset;
use crate::errors::{ApiError, Service};
use crate::jobs::Timeline;
use crate::jobs::{Job, Phase};
use crate::router::{finish, route, AppState};
use crate::state::{failure_by_name, Backup, Cloud, GraphStatus, Origin, Power, Resource};
use crate::wire::{json_body, json_response, page, PathParams, Query};

const S: Service = Service::Ges;

type PathResult = Result<Path<HashMap<String, String>>, PathRejection>;
type Answer = Result<Response, ApiError>;

pub(crate) fn router(app: &AppState) -> Router {
    let r = Router::new();
    let r = route(r, app, S, &create_backup::OPERATION, create);
    let r = route(r, app, S, &delete_backup::OPERATION, delete);
    let r = route(r, app, S, &export_backup::OPERATION, export);
    let r = route(r, app, S, &import_backup::OPERATION, import);
    let r = route(r, app, S, &list_backups::OPERATION, list_all);
    let r = route(r, app, S, &list_graph_backups::OPERATION, list_of_graph);
    let r = route(r, app, S, &show_job::OPERATION, job_status);
    let r = route(r, app, S, &stop_graph::OPERATION, stop);
    let r = route(r, app, S, &start_graph::OPERATION, start);
    let r = crate::inspect::routes(r, app, S);
    finish(r, app, S)
}

/// The graph a validated request names, in the project the emulator serves.
fn graph(cloud: &Cloud, project_id: Option<&String>, graph_id: Option<&String>) -> Result<Resource, ApiError> {
    project(cloud, project_id)?;
    cloud.resource(S, graph_id.map(String::as_str).unwrap_or_default()).ok_or_else(|| {
        ApiError::new(S, StatusCode::BAD_REQUEST, "GES.7000", "The graph does not exist or has been deleted.")
    })
}

fn project(cloud: &Cloud, project_id: Option<&String>) -> Result<(), ApiError> {
    if project_id.is_some_and(|p| *p == cloud.project_id) {
        Ok(())
    } else {
        Err(ApiError::foreign_project(S))
    }
}

/// Checks that `backup_id` is a backup of `graph`.
fn backup_of(cloud: &Cloud, backup_id: &str, graph: &Resource) -> Result<(), ApiError> {
    match cloud.backup(S, backup_id) {
        Some(backup) if backup.owner.id == graph.id => Ok(()),
        _ => Err(ApiError::new(
            S,
            StatusCode::BAD_REQUEST,
            "GES.7024",
            "The graph backup does not exist or has been deleted.",
        )),
    }
}

/// Starts a job on `graph`, optionally producing a backup, and returns the job id, the backup id and the job's
/// timeline. A manual backup records the graph's data; an imported one holds what the emulator cannot know (none).
fn start_job(
    cloud: &mut Cloud,
    graph: &Resource,
    name: &'static str,
    backup: Option<(String, Origin)>,
    fail: Option<String>,
) -> (String, Option<String>, Timeline) {
    let timeline = cloud.new_timeline(fail);
    let job_id = crate::ids::hex(32);
    let backup_id = backup.map(|(backup_name, origin)| {
        let id = crate::ids::uuid();
        let data = match origin {
            Origin::Manual => cloud.contents(S, &graph.id).current().clone(),
            Origin::Imported => Dataset::default(),
        };
        cloud.backups.push(Backup {
            service: S,
            id: id.clone(),
            name: backup_name,
            description: None,
            owner: graph.clone(),
            origin,
            timeline: timeline.clone(),
            data,
        });
        id
    });
    let job = Job {
        id: job_id.clone(),
        name,
        owner_id: graph.id.clone(),
        owner_name: graph.name.clone(),
        backup_id: backup_id.clone(),
        timeline: timeline.clone(),
    };
    cloud.add_job(S, job);
    (job_id, backup_id, timeline)
}

async fn create(State(app): State<AppState>, path: PathResult) -> Answer {
    let p = PathParams::from(S, path)?;
    let mut input = create_backup::CreateBackupInput::default();
    (input.project_id, input.graph_id) = (p.get("project_id"), p.get("graph_id"));
    ApiError::check(S, input.validate())?;
    let mut cloud = app.store.lock();
    let graph = graph(&cloud, input.project_id.as_ref(), input.graph_id.as_ref())?;
    if cloud.graph_status(&graph.id) != GraphStatus::Running {
        let message = "The graph is being stopped or is stopped.";
        return Err(ApiError::new(S, StatusCode::BAD_REQUEST, "GES.7003", message));
    }
    let stamp = crate::clock::ges(time::OffsetDateTime::now_utc()).replace(['-', 'T', ':'], "");
    // Named like the console names them; a second backup within the same second gets a counter.
    let base = format!("{}-{stamp}", graph.name);
    let taken = |name: &str| cloud.backups_of(S).any(|b| b.owner.id == graph.id && b.name == name);
    let name = (1..).map(|n| if n == 1 { base.clone() } else { format!("{base}-{n}") }).find(|n| !taken(n));
    let name = name.unwrap_or(base);
    let (job_id, backup_id, _) = start_job(&mut cloud, &graph, "BackupGraph", Some((name, Origin::Manual)), None);
    let mut out = create_backup::CreateBackupOutput::default();
    (out.job_id, out.backup_id) = (Some(job_id), backup_id);
    Ok(json_response(StatusCode::OK, &out))
}

async fn import(State(app): State<AppState>, path: PathResult, body: Bytes) -> Answer {
    let p = PathParams::from(S, path)?;
    let parsed: import_backup::ImportBackupRequestBody = json_body(S, &body)?;
    ApiError::check(S, parsed.validate())?;
    let mut input = import_backup::ImportBackupInput::default();
    (input.project_id, input.graph_id) = (p.get("project_id"), p.get("graph_id"));
    input.import_path = Some(parsed.import_path.clone());
    ApiError::check(S, input.validate())?;
    let mut cloud = app.store.lock();
    let graph = graph(&cloud, input.project_id.as_ref(), input.graph_id.as_ref())?;
    let path = parsed.import_path.trim_end_matches('/');
    let name = path.rsplit('/').next().filter(|n| !n.is_empty()).unwrap_or("imported").to_owned();
    let fail = failure_by_name(&parsed.import_path);
    let (job_id, _, _) = start_job(&mut cloud, &graph, "ImportBackup", Some((name, Origin::Imported)), fail);
    let mut out = import_backup::ImportBackupOutput::default();
    out.job_id = Some(job_id);
    Ok(json_response(StatusCode::OK, &out))
}

async fn export(State(app): State<AppState>, path: PathResult, body: Bytes) -> Answer {
    let p = PathParams::from(S, path)?;
    let parsed: export_backup::ExportBackupRequestBody = json_body(S, &body)?;
    ApiError::check(S, parsed.validate())?;
    let mut input = export_backup::ExportBackupInput::default();
    (input.project_id, input.graph_id) = (p.get("project_id"), p.get("graph_id"));
    (input.backup_id, input.export_path) = (Some(parsed.backup_id.clone()), Some(parsed.export_path.clone()));
    ApiError::check(S, input.validate())?;
    let mut cloud = app.store.lock();
    let graph = graph(&cloud, input.project_id.as_ref(), input.graph_id.as_ref())?;
    backup_of(&cloud, &parsed.backup_id, &graph)?;
    let (job_id, _, _) = start_job(&mut cloud, &graph, "ExportBackup", None, failure_by_name(&parsed.export_path));
    let mut out = export_backup::ExportBackupOutput::default();
    out.job_id = Some(job_id);
    Ok(json_response(StatusCode::OK, &out))
}

async fn delete(State(app): State<AppState>, path: PathResult) -> Answer {
    let p = PathParams::from(S, path)?;
    let mut input = delete_backup::DeleteBackupInput::default();
    (input.project_id, input.graph_id, input.backup_id) = (p.get("project_id"), p.get("graph_id"), p.get("backup_id"));
    ApiError::check(S, input.validate())?;
    let mut cloud = app.store.lock();
    let graph = graph(&cloud, input.project_id.as_ref(), input.graph_id.as_ref())?;
    let backup_id = input.backup_id.unwrap_or_default();
    backup_of(&cloud, &backup_id, &graph)?;
    cloud.remove_backup(S, &backup_id);
    Ok(json_response(StatusCode::OK, &delete_backup::DeleteBackupOutput::default()))
}

/// Stops a running graph (the first half of a restore): the graph is stopped once the job succeeds.
async fn stop(State(app): State<AppState>, path: PathResult) -> Answer {
    let p = PathParams::from(S, path)?;
    let mut input = stop_graph::StopGraphInput::default();
    (input.project_id, input.graph_id) = (p.get("project_id"), p.get("graph_id"));
    ApiError::check(S, input.validate())?;
    let mut cloud = app.store.lock();
    let graph = graph(&cloud, input.project_id.as_ref(), input.graph_id.as_ref())?;
    if cloud.graph_status(&graph.id) != GraphStatus::Running {
        return Err(ApiError::new(S, StatusCode::BAD_REQUEST, "GES.7001", "The graph is not running."));
    }
    let (job_id, _, timeline) = start_job(&mut cloud, &graph, "StopGraph", None, None);
    cloud.power_of(&graph.id).change(Power::Stopped, timeline);
    let mut out = stop_graph::StopGraphOutput::default();
    out.job_id = Some(job_id);
    Ok(json_response(StatusCode::OK, &out))
}

/// Starts a stopped graph, from the state it was stopped in or, with `graph_backup_id`, from that backup: the
/// backup's data is the graph's once the job succeeds. A running graph cannot be started (GES.7015).
async fn start(State(app): State<AppState>, path: PathResult, body: Bytes) -> Answer {
    let p = PathParams::from(S, path)?;
    let parsed: start_graph::StartGraphRequestBody = json_body(S, &body)?;
    ApiError::check(S, parsed.validate())?;
    let mut input = start_graph::StartGraphInput::default();
    (input.project_id, input.graph_id) = (p.get("project_id"), p.get("graph_id"));
    input.graph_backup_id = parsed.graph_backup_id.clone().filter(|id| !id.is_empty());
    ApiError::check(S, input.validate())?;
    let mut cloud = app.store.lock();
    let graph = graph(&cloud, input.project_id.as_ref(), input.graph_id.as_ref())?;
    if cloud.graph_status(&graph.id) != GraphStatus::Stopped {
        return Err(ApiError::new(S, StatusCode::BAD_REQUEST, "GES.7015", "The graph is not running or stopped."));
    }
    let restored = match &input.graph_backup_id {
        None => None,
        Some(backup_id) => {
            backup_of(&cloud, backup_id, &graph)?;
            match cloud.backup(S, backup_id) {
                Some(backup) if backup.restorable() => Some(backup.data.clone()),
                _ => {
                    let message = "The graph backup does not exist or has been deleted.";
                    return Err(ApiError::new(S, StatusCode::BAD_REQUEST, "GES.7024", message));
                }
            }
        }
    };
    let (job_id, _, timeline) = start_job(&mut cloud, &graph, "StartGraph", None, None);
    if let Some(data) = restored {
        cloud.contents(S, &graph.id).restore(data, timeline.clone()).map_err(|_| ApiError::busy(S))?;
    }
    cloud.power_of(&graph.id).change(Power::Running, timeline);
    let mut out = start_graph::StartGraphOutput::default();
    out.job_id = Some(job_id);
    Ok(json_response(StatusCode::OK, &out))
}

/// Offset and limit as documented: item offset, defaults 0 and 10.
fn paging(offset: Option<i32>, limit: Option<i32>) -> Result<(i64, i64), ApiError> {
    let (offset, limit) = (offset.unwrap_or(0), limit.unwrap_or(10));
    if offset < 0 || limit < 0 {
        return Err(ApiError::invalid(S, "`offset` and `limit` cannot be negative."));
    }
    Ok((offset.into(), limit.into()))
}

async fn list_all(State(app): State<AppState>, path: PathResult, RawQuery(raw): RawQuery) -> Answer {
    let (p, q) = (PathParams::from(S, path)?, Query::parse(S, raw.as_deref()));
    let mut input = list_backups::ListBackupsInput::default();
    (input.project_id, input.offset, input.limit) = (p.get("project_id"), q.int("offset")?, q.int("limit")?);
    ApiError::check(S, input.validate())?;
    let (offset, limit) = paging(input.offset, input.limit)?;
    let cloud = app.store.lock();
    project(&cloud, input.project_id.as_ref())?;
    let all: Vec<GraphBackup> = cloud.backups_of(S).map(graph_backup).collect();
    let mut out = list_backups::ListBackupsOutput::default();
    out.backup_count = Some(i32::try_from(all.len()).unwrap_or(i32::MAX));
    out.backup_list = Some(page(all, offset, limit));
    Ok(json_response(StatusCode::OK, &out))
}

async fn list_of_graph(State(app): State<AppState>, path: PathResult, RawQuery(raw): RawQuery) -> Answer {
    let (p, q) = (PathParams::from(S, path)?, Query::parse(S, raw.as_deref()));
    let mut input = list_graph_backups::ListGraphBackupsInput::default();
    (input.project_id, input.graph_id) = (p.get("project_id"), p.get("graph_id"));
    (input.offset, input.limit) = (q.int("offset")?, q.int("limit")?);
    ApiError::check(S, input.validate())?;
    let (offset, limit) = paging(input.offset, input.limit)?;
    let cloud = app.store.lock();
    let graph = graph(&cloud, input.project_id.as_ref(), input.graph_id.as_ref())?;
    let all: Vec<GraphBackup> = cloud.backups_of(S).filter(|b| b.owner.id == graph.id).map(graph_backup).collect();
    let mut out = list_graph_backups::ListGraphBackupsOutput::default();
    out.backup_count = Some(i32::try_from(all.len()).unwrap_or(i32::MAX));
    out.backup_list = Some(page(all, offset, limit));
    Ok(json_response(StatusCode::OK, &out))
}

async fn job_status(State(app): State<AppState>, path: PathResult) -> Answer {
    let p = PathParams::from(S, path)?;
    let mut input = show_job::ShowJobInput::default();
    (input.project_id, input.graph_id, input.job_id) = (p.get("project_id"), p.get("graph_id"), p.get("job_id"));
    ApiError::check(S, input.validate())?;
    let cloud = app.store.lock();
    let graph = graph(&cloud, input.project_id.as_ref(), input.graph_id.as_ref())?;
    let job_id = input.job_id.unwrap_or_default();
    let job = cloud.job(S, &job_id).filter(|j| j.owner_id == graph.id).ok_or_else(|| {
        let shown = crate::wire::truncate(&job_id);
        ApiError::new(S, StatusCode::BAD_REQUEST, "GES.8301", format!("can not find job, jobId is {shown}"))
    })?;
    let phase = job.timeline.phase();
    let mut out = show_job::ShowJobOutput::default();
    out.job_id = Some(job.id.clone());
    out.status = Some(job_status_name(&phase).into());
    out.job_type = Some("GraphManagement".into());
    out.job_name = Some(job.name.into());
    out.related_graph = Some(job.owner_name.clone());
    out.begin_time = Some(crate::clock::ges(job.timeline.started_at));
    out.end_time = job.timeline.ended_at().map(crate::clock::ges);
    out.job_progress = Some(match phase {
        Phase::Pending => 0.0,
        Phase::Running { percent } => f64::from(percent),
        Phase::Succeeded | Phase::Failed(_) => 100.0,
    });
    if let Phase::Failed(reason) = phase {
        out.fail_reason = Some(reason);
    }
    Ok(json_response(StatusCode::OK, &out))
}

/// The spec's `job:` values: pending, running, success, failed.
fn job_status_name(phase: &Phase) -> &'static str {
    match phase {
        Phase::Pending => "pending",
        Phase::Running { .. } => "running",
        Phase::Succeeded => "success",
        Phase::Failed(_) => "failed",
    }
}

fn graph_backup(backup: &Backup) -> GraphBackup {
    let phase = backup.phase();
    let mut out = GraphBackup::default();
    out.id = Some(backup.id.clone());
    out.name = Some(backup.name.clone());
    out.backup_method = Some(match backup.origin {
        crate::state::Origin::Manual => GraphBackupMethod::Manual,
        crate::state::Origin::Imported => GraphBackupMethod::Import,
    });
    out.graph_id = Some(backup.owner.id.clone());
    out.graph_name = Some(backup.owner.name.clone());
    out.graph_status = Some("200".into());
    out.graph_size_type_index = Some("1".into());
    out.data_store_version = Some("2.3.16".into());
    out.arch = Some("x86_64".into());
    out.product_type = Some(GraphBackupProductType::InMemory);
    out.status = Some(match phase {
        Phase::Pending | Phase::Running { .. } => GraphBackupStatus::BackingUp,
        Phase::Succeeded => GraphBackupStatus::Success,
        Phase::Failed(_) => GraphBackupStatus::Failed,
    });
    let started = backup.timeline.started_at;
    out.start_timestamp = Some(crate::clock::millis(started));
    out.start_time = Some(crate::clock::ges(started));
    if let Some(ended) = backup.timeline.ended_at() {
        out.end_timestamp = Some(crate::clock::millis(ended));
        out.end_time = Some(crate::clock::ges(ended));
        out.duration = Some(i64::try_from(backup.timeline.duration.as_secs()).unwrap_or(i64::MAX));
        out.size = Some(if phase == Phase::Succeeded { 1 } else { 0 });
    }
    out
}
