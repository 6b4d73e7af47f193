//! The in-memory cloud: graphs, DB instances, what they hold, their backups and automated backup policies, and
//! the jobs working on them.
//!
//! One mutex guards everything; it is never held across an `.await`, and a poisoned lock is still used (the data
//! stays consistent because every change is a single push or remove).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use time::OffsetDateTime;

use crate::contents::{Contents, Dataset};
use crate::errors::Service;
use crate::jobs::{Job, Phase, Timeline};

/// A graph or DB instance that backups belong to.
#[derive(Debug, Clone)]
pub(crate) struct Resource {
    pub(crate) id: String,
    pub(crate) name: String,
}

/// How a backup came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    Manual,
    Imported,
}

/// One backup of any service; its status follows its timeline.
#[derive(Debug, Clone)]
pub(crate) struct Backup {
    pub(crate) service: Service,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) owner: Resource,
    pub(crate) origin: Origin,
    pub(crate) timeline: Timeline,
    /// The owner's data when the backup started: what restoring it brings back.
    pub(crate) data: Dataset,
}

impl Backup {
    pub(crate) fn phase(&self) -> Phase {
        self.timeline.phase()
    }

    /// Finished successfully: it can be restored.
    pub(crate) fn restorable(&self) -> bool {
        self.phase() == Phase::Succeeded
    }
}

/// An automated backup policy as the services store it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Policy {
    pub(crate) keep_days: i32,
    pub(crate) start_time: Option<String>,
    pub(crate) period: Option<String>,
}

/// Whether a GES graph runs; stopping and starting take a job's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Power {
    Running,
    Stopped,
}

/// A graph's power state, with the change in progress (its target and job timeline), settled when looked at.
#[derive(Debug, Clone)]
pub(crate) struct PowerState {
    settled: Power,
    change: Option<(Power, Timeline)>,
}

/// What a graph is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GraphStatus {
    Running,
    Stopped,
    /// A stop or start job is running.
    Changing,
}

impl PowerState {
    fn running() -> Self {
        PowerState { settled: Power::Running, change: None }
    }

    pub(crate) fn status(&mut self) -> GraphStatus {
        if let Some((target, timeline)) = &self.change {
            match timeline.phase() {
                Phase::Succeeded => self.settled = *target,
                Phase::Failed(_) => {}
                Phase::Pending | Phase::Running { .. } => return GraphStatus::Changing,
            }
            self.change = None;
        }
        match self.settled {
            Power::Running => GraphStatus::Running,
            Power::Stopped => GraphStatus::Stopped,
        }
    }

    /// Starts moving to `target` along `timeline`.
    pub(crate) fn change(&mut self, target: Power, timeline: Timeline) {
        self.change = Some((target, timeline));
    }
}

/// Everything the emulator holds.
#[derive(Debug)]
pub(crate) struct Cloud {
    pub(crate) project_id: String,
    pub(crate) graphs: Vec<Resource>,
    pub(crate) geminidb_instances: Vec<Resource>,
    pub(crate) taurusdb_instances: Vec<Resource>,
    /// In creation order, which is the order lists answer in.
    pub(crate) backups: Vec<Backup>,
    pub(crate) jobs: Vec<(Service, Job)>,
    /// What each graph or instance holds, by service and id.
    contents: HashMap<(Service, String), Contents>,
    /// Automated backup policies that were set, by service and instance id.
    pub(crate) policies: HashMap<(Service, String), Policy>,
    /// GES graphs' power states, by graph id.
    power: HashMap<String, PowerState>,
    /// When the seeded resources came to hold their seed data.
    started: OffsetDateTime,
    job_duration: Duration,
    fail_next_jobs: u32,
}

impl Cloud {
    pub(crate) fn new(project_id: String, job_duration: Duration) -> Self {
        Cloud {
            project_id,
            graphs: Vec::new(),
            geminidb_instances: Vec::new(),
            taurusdb_instances: Vec::new(),
            backups: Vec::new(),
            jobs: Vec::new(),
            contents: HashMap::new(),
            policies: HashMap::new(),
            power: HashMap::new(),
            started: OffsetDateTime::now_utc(),
            job_duration,
            fail_next_jobs: 0,
        }
    }

    /// The timeline of a new job; it fails when `fail_reason` is given or a failure was ordered with
    /// [`Cloud::fail_next_jobs`].
    pub(crate) fn new_timeline(&mut self, fail_reason: Option<String>) -> Timeline {
        let failure = fail_reason.or_else(|| {
            (self.fail_next_jobs > 0).then(|| {
                self.fail_next_jobs -= 1;
                "Injected failure: the emulator was told to fail this job.".to_owned()
            })
        });
        Timeline::new(self.job_duration, failure)
    }

    pub(crate) fn set_job_duration(&mut self, duration: Duration) {
        self.job_duration = duration;
    }

    pub(crate) fn fail_next_jobs(&mut self, n: u32) {
        self.fail_next_jobs = n;
    }

    pub(crate) fn resources(&self, service: Service) -> &[Resource] {
        match service {
            Service::Ges => &self.graphs,
            Service::GeminiDb => &self.geminidb_instances,
            Service::TaurusDb => &self.taurusdb_instances,
            Service::Iam | Service::Metadata => &[],
        }
    }

    pub(crate) fn resource(&self, service: Service, id: &str) -> Option<Resource> {
        self.resources(service).iter().find(|r| r.id == id).cloned()
    }

    /// Adds a graph or instance holding `contents`.
    pub(crate) fn add_resource(&mut self, service: Service, resource: Resource, contents: Contents) {
        self.contents.insert((service, resource.id.clone()), contents);
        match service {
            Service::Ges => self.graphs.push(resource),
            Service::GeminiDb => self.geminidb_instances.push(resource),
            Service::TaurusDb => self.taurusdb_instances.push(resource),
            Service::Iam | Service::Metadata => {}
        }
    }

    /// What a graph or instance holds, its finished restore landed; a seeded resource holds the seed data.
    pub(crate) fn contents(&mut self, service: Service, id: &str) -> &mut Contents {
        let started = self.started;
        let contents = self
            .contents
            .entry((service, id.to_owned()))
            .or_insert_with(|| Contents::new(crate::contents::seed(service), started));
        contents.settle();
        contents
    }

    /// A graph's power state (running unless stopped).
    pub(crate) fn graph_status(&mut self, id: &str) -> GraphStatus {
        self.power_of(id).status()
    }

    pub(crate) fn power_of(&mut self, id: &str) -> &mut PowerState {
        self.power.entry(id.to_owned()).or_insert_with(PowerState::running)
    }

    /// The owner's finished, successful backups, oldest first.
    pub(crate) fn restorable_backups<'a>(
        &'a self,
        service: Service,
        owner: &'a str,
    ) -> impl Iterator<Item = &'a Backup> + 'a {
        self.backups_of(service).filter(move |b| b.owner.id == owner && b.restorable())
    }

    /// The start of the owner's oldest successful backup: its data can be restored to any time from then to now.
    pub(crate) fn restorable_since(&self, service: Service, owner: &str) -> Option<OffsetDateTime> {
        self.restorable_backups(service, owner).map(|b| b.timeline.started_at).min()
    }

    pub(crate) fn backups_of(&self, service: Service) -> impl Iterator<Item = &Backup> {
        self.backups.iter().filter(move |b| b.service == service)
    }

    pub(crate) fn backup(&self, service: Service, id: &str) -> Option<&Backup> {
        self.backups_of(service).find(|b| b.id == id)
    }

    pub(crate) fn remove_backup(&mut self, service: Service, id: &str) -> Option<Backup> {
        let index = self.backups.iter().position(|b| b.service == service && b.id == id)?;
        Some(self.backups.remove(index))
    }

    pub(crate) fn jobs_of(&self, service: Service) -> impl Iterator<Item = &Job> {
        self.jobs.iter().filter(move |(s, _)| *s == service).map(|(_, j)| j)
    }

    pub(crate) fn job(&self, service: Service, id: &str) -> Option<&Job> {
        self.jobs_of(service).find(|j| j.id == id)
    }

    pub(crate) fn add_job(&mut self, service: Service, job: Job) {
        self.jobs.push((service, job));
    }
}

/// Shared, locked access to the cloud.
#[derive(Debug)]
pub(crate) struct Store(Mutex<Cloud>);

impl Store {
    pub(crate) fn new(cloud: Cloud) -> Self {
        Store(Mutex::new(cloud))
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Cloud> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A job failure asked for by name: anything containing `fail` fails (case-insensitive).
pub(crate) fn failure_by_name(text: &str) -> Option<String> {
    text.to_ascii_lowercase().contains("fail").then(|| format!("Injected failure: {text:?} contains \"fail\"."))
}
