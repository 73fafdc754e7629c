//! Progress and cancellation of long work — an export, the review packet, a cartridge import —
//! in one place. A [`Task`] carries the caller's progress callback and cancel flag into the
//! work; the work reports its stages through it and checks the flag between them, and a
//! cancelled run ends with the typed [`Error::Cancelled`] (error code `cancelled`), which the
//! CLI and the app recognise by its type, never by its wording.

use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use crate::{Error, Result};

/// Progress of running work, reported through the callback.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// Steps done.
    pub done: u64,
    /// Steps in total (known up front).
    pub total: u64,
    /// What is being written.
    pub message: String,
}

/// The flag of work nobody can cancel.
static NEVER: AtomicBool = AtomicBool::new(false);

/// A running piece of long work: where its progress goes and the flag that asks it to stop.
#[derive(Clone, Copy)]
pub struct Task<'a> {
    what: &'static str,
    progress: &'a dyn Fn(Progress),
    cancel: &'a AtomicBool,
}

impl std::fmt::Debug for Task<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Task").field("what", &self.what).field("cancelled", &self.is_cancelled()).finish()
    }
}

impl<'a> Task<'a> {
    /// Work named `what` ("the export": the start of the sentence a cancel ends it with),
    /// reporting to `progress` and stopping once `cancel` is set.
    pub fn new(what: &'static str, progress: &'a dyn Fn(Progress), cancel: &'a AtomicBool) -> Self {
        Task { what, progress, cancel }
    }

    /// Work that reports nothing and is never cancelled (the CLI, tests).
    pub fn quiet(what: &'static str) -> Task<'static> {
        Task { what, progress: &|_| {}, cancel: &NEVER }
    }

    /// What the work is ("the review packet").
    pub fn what(&self) -> &'static str {
        self.what
    }

    /// The cancel flag, for code that watches it itself (a browser printing a PDF).
    pub fn cancel_flag(&self) -> &'a AtomicBool {
        self.cancel
    }

    /// Whether a cancel was asked for.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }

    /// The error that ends this work when it was cancelled.
    pub fn cancelled(&self) -> Error {
        Error::Cancelled { what: self.what }
    }

    /// `Err(Error::Cancelled)` once a cancel was asked for.
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() { Err(self.cancelled()) } else { Ok(()) }
    }

    /// Starts a stage: checks the flag, then reports `done` of `total` with `message`.
    pub fn stage(&self, done: u64, total: u64, message: impl Into<String>) -> Result<()> {
        self.check()?;
        self.report(Progress { done, total, message: message.into() });
        Ok(())
    }

    /// Reports progress without checking the flag.
    pub fn report(&self, progress: Progress) {
        (self.progress)(progress);
    }
}

/// A reader that reports how much of a file long work has read (every `step` bytes, as
/// `done`/`total` bytes with `message` and the megabytes so far) and fails with an I/O error
/// once the task is cancelled, so a parser reading through it stops at its next read. The
/// caller turns that failure into [`Error::Cancelled`] by asking [`Task::is_cancelled`].
pub struct ProgressRead<'t, R> {
    inner: R,
    task: &'t Task<'t>,
    total: u64,
    done: u64,
    reported: u64,
    message: String,
}

impl<'t, R> ProgressRead<'t, R> {
    /// Reports every mebibyte of the `total` bytes `inner` holds, as `message`.
    pub fn new(inner: R, task: &'t Task<'t>, total: u64, message: impl Into<String>) -> Self {
        ProgressRead { inner, task, total, done: 0, reported: 0, message: message.into() }
    }
}

impl<R: std::io::Read> std::io::Read for ProgressRead<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.task.is_cancelled() {
            return Err(std::io::Error::other(self.task.cancelled().to_string()));
        }
        let n = self.inner.read(buf)?;
        self.done += n as u64;
        if self.done >= self.reported + (1 << 20) || (n == 0 && self.done > self.reported) {
            self.reported = self.done;
            let message = format!(
                "{} ({} of {} MB)",
                self.message,
                self.done >> 20,
                self.total.max(1).div_ceil(1 << 20)
            );
            self.task.report(Progress { done: self.done, total: self.total.max(self.done), message });
        }
        Ok(n)
    }
}

/// Whether `err` ends work that was cancelled.
pub fn is_cancelled(err: &Error) -> bool {
    matches!(err, Error::Cancelled { .. })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_cancelled_task_stops_at_the_next_stage_with_the_typed_error() {
        let seen = std::sync::Mutex::new(Vec::new());
        let progress = |p: Progress| seen.lock().unwrap().push(p.message);
        let cancel = AtomicBool::new(false);
        let task = Task::new("the export", &progress, &cancel);
        task.stage(0, 2, "first").unwrap();
        cancel.store(true, Ordering::SeqCst);
        let err = task.stage(1, 2, "second").unwrap_err();
        assert!(is_cancelled(&err));
        assert_eq!(err.code(), crate::ErrorCode::Cancelled);
        assert_eq!(err.to_string(), "the export was cancelled; nothing was written");
        assert_eq!(seen.into_inner().unwrap(), ["first"]);
        assert!(Task::quiet("x").check().is_ok());
    }

    #[test]
    fn a_progress_reader_reports_what_it_read_and_stops_once_cancelled() {
        use std::io::Read;
        let seen = std::sync::Mutex::new(Vec::new());
        let progress = |p: Progress| seen.lock().unwrap().push((p.done, p.total));
        let cancel = AtomicBool::new(false);
        let task = Task::new("the import", &progress, &cancel);
        let data = vec![7u8; (3 << 20) + 10];
        let mut reader = ProgressRead::new(data.as_slice(), &task, data.len() as u64, "Reading x");
        let mut buf = vec![0u8; 1 << 20];
        reader.read_exact(&mut buf).unwrap();
        assert_eq!(seen.lock().unwrap().last(), Some(&(1 << 20, data.len() as u64)));
        cancel.store(true, Ordering::SeqCst);
        let err = reader.read(&mut buf).unwrap_err();
        assert!(err.to_string().contains("the import was cancelled"), "{err}");
    }
}
