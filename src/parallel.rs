//! Thread pools and the cancellation/progress context of long runs.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::{ThreadPool, ThreadPoolBuilder};

use crate::error::{Error, Result};

/// The environment variable giving the default number of threads.
pub const THREADS_ENV: &str = "VNCOOC_NUM_THREADS";

/// Threads to use: the argument, else `VNCOOC_NUM_THREADS`, else the machine's parallelism.
pub fn resolve_threads(n_threads: Option<usize>) -> Result<usize> {
    if let Some(n) = n_threads {
        return if n == 0 {
            Err(Error::InvalidArgument(
                "n_threads must be at least 1".into(),
            ))
        } else {
            Ok(n)
        };
    }
    match std::env::var(THREADS_ENV) {
        Ok(v) if !v.trim().is_empty() => match v.trim().parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(Error::InvalidArgument(format!(
                "{THREADS_ENV}={v:?} is not a positive whole number"
            ))),
        },
        _ => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
    }
}

fn pools() -> &'static Mutex<HashMap<usize, Arc<ThreadPool>>> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<ThreadPool>>>> = OnceLock::new();
    POOLS.get_or_init(|| Mutex::new(HashMap::new()))
}

/// A pool of `n` threads, built once and reused.
pub fn pool(n: usize) -> Result<Arc<ThreadPool>> {
    let mut map = pools().lock().unwrap_or_else(|p| p.into_inner());
    if let Some(p) = map.get(&n) {
        return Ok(Arc::clone(p));
    }
    let p = ThreadPoolBuilder::new()
        .num_threads(n)
        .thread_name(|i| format!("vncooc-{i}"))
        .build()
        .map_err(|e| Error::InvalidArgument(format!("cannot start {n} threads: {e}")))?;
    let p = Arc::new(p);
    map.insert(n, Arc::clone(&p));
    Ok(p)
}

/// Forget every pool without touching its threads: after `fork()` the child has none of them.
pub fn forget_pools_after_fork() {
    let mut map = pools().lock().unwrap_or_else(|p| p.into_inner());
    for (_, p) in map.drain() {
        std::mem::forget(p);
    }
}

/// Shared by a long run and whoever watches it: a cancel flag and a count of finished items.
#[derive(Debug, Default)]
pub struct Ctx {
    cancel: AtomicBool,
    done: AtomicUsize,
    phases: AtomicUsize,
}

impl Ctx {
    pub fn new() -> Arc<Ctx> {
        Arc::new(Ctx::default())
    }
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            Err(Error::Cancelled)
        } else {
            Ok(())
        }
    }
    /// A run that visits every item `n` times (ticks `n` times per item).
    pub fn set_phases(&self, n: usize) {
        self.phases.store(n, Ordering::Relaxed);
    }
    pub fn tick(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }
    /// Items finished (ticks divided by the number of phases).
    pub fn done(&self) -> usize {
        self.done.load(Ordering::Relaxed) / self.phases.load(Ordering::Relaxed).max(1)
    }
}
