//! Python bindings (`vncooc._core`): conversion only. Inputs are extracted under the GIL, the
//! core runs on a rayon pool with the GIL released, and results come back once, as columns
//! (little-endian buffers for numbers, codes + categories for repeated strings).

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};
use rayon::prelude::*;
use regex::Regex;

use crate::clean::{clean as core_clean, CleanOptions};
use crate::corpus::{self, Doc, Input, Level, Options, Skipped, Source};
use crate::entities::{Gazetteer as CoreGazetteer, Matcher};
use crate::error::Error;
use crate::normalize::{normalize as core_normalize, ToneStyle};
use crate::parallel::{self, Ctx};
use crate::segment::{self, Forced, Segmenter};
use crate::sentences::split_sentences;
use crate::tokenize::TokenKind;

// ---------------------------------------------------------------------------------------------
// strings in and out

/// Code points copied out of one Python string per chunk: 16 M of them (64 MB) at a time.
const CHUNK_CODE_POINTS: usize = 1 << 24;

/// Code points per chunk of [`PySegmenter::words_batch`]'s pipeline (1 M, 4 MB): small enough
/// that the first chunk's copy is a small part of the call, large enough to keep the pool busy.
const WORDS_CHUNK_CODE_POINTS: usize = 1 << 20;

/// A text argument as UTF-8: a lone surrogate (not a Unicode character, though a Python string
/// may hold one) is `vncooc.InputError`, not Python's UnicodeEncodeError.
fn text_arg<'a>(s: &'a Bound<'_, PyString>) -> PyResult<&'a str> {
    let py = s.py();
    s.to_str().map_err(|e| {
        if e.is_instance_of::<pyo3::exceptions::PyUnicodeEncodeError>(py) {
            raise(
                py,
                "InputError",
                "the text holds a lone surrogate (not a Unicode character)".into(),
            )
        } else {
            e
        }
    })
}

/// Python strings as UTF-8, without CPython's UTF-8 encoder (one thread at about 300 MB/s, and
/// it keeps its result inside each string object for as long as the string lives, doubling the
/// memory of a corpus held in Python): a chunk of strings at a time, their code points are
/// copied out under the GIL (`PyUnicode_AsUCS4`, a widening copy), then encoded on the pool
/// with the GIL released, while this thread copies the next chunk (at most two chunks of code
/// points at once). Per string: its text and how many lone surrogates became U+FFFD.
fn utf8_texts(
    py: Python<'_>,
    strs: &[Bound<'_, PyString>],
    n_threads: Option<usize>,
) -> PyResult<Vec<(String, usize)>> {
    let pool = parallel::pool(parallel::resolve_threads(n_threads).or_py(py)?).or_py(py)?;
    // the encoding reads no context: its `ctx` is only for `wait_job`
    let ctx = Ctx::new();
    let mut out = Vec::with_capacity(strs.len());
    let mut rest = strs;
    // the chunk the pool is encoding
    let mut encoding: Option<JobResult<Vec<(String, usize)>>> = None;
    loop {
        // Ctrl-C between chunks (each takes a fraction of a second)
        py.check_signals()?;
        let chunk = copy_chunk(&mut rest, CHUNK_CODE_POINTS)?;
        if let Some(rx) = encoding.take() {
            out.extend(wait_job(py, rx, &ctx, None)?);
        }
        if chunk.is_empty() {
            return Ok(out);
        }
        encoding = Some(spawn_job(&pool, move || {
            chunk
                .into_par_iter()
                .map(|item| match item {
                    ChunkText::CodePoints(c) => crate::input::utf8_from_code_points(&c),
                    ChunkText::Utf8(t) => (t, 0),
                })
                .collect()
        }));
    }
}

/// Copy the strings at the start of `rest` out, about `limit` code points of them (at least
/// one string), and advance `rest` past them. A string longer than [`CHUNK_CODE_POINTS`] is not
/// copied at four bytes a character but goes through CPython's encoder (one thread, and it keeps
/// a UTF-8 copy inside the string), in a chunk of its own.
fn copy_chunk(rest: &mut &[Bound<'_, PyString>], limit: usize) -> PyResult<Vec<ChunkText>> {
    let mut chunk: Vec<ChunkText> = Vec::new();
    let mut size = 0;
    while let Some((s, tail)) = rest.split_first() {
        if !chunk.is_empty() && (size >= limit || is_long(s)) {
            break;
        }
        let long = if is_long(s) { s.to_str().ok() } else { None };
        let item = match long {
            Some(t) => ChunkText::Utf8(t.to_owned()),
            None => ChunkText::CodePoints(code_points(s)?),
        };
        size += match &item {
            ChunkText::CodePoints(c) => c.len(),
            ChunkText::Utf8(t) => t.len(),
        };
        chunk.push(item);
        *rest = tail;
    }
    Ok(chunk)
}

/// Whether a string is longer than a chunk (see [`utf8_texts`]).
fn is_long(s: &Bound<'_, PyString>) -> bool {
    // SAFETY: `s` is a live `str` (its type says so) and the GIL is held
    let n = unsafe { pyo3::ffi::PyUnicode_GetLength(s.as_ptr()) };
    usize::try_from(n).is_ok_and(|n| n > CHUNK_CODE_POINTS)
}

/// The code points of a Python string.
fn code_points(s: &Bound<'_, PyString>) -> PyResult<Vec<u32>> {
    let py = s.py();
    // SAFETY: `s` is a live `str` (its type says so) and the GIL is held
    let n = unsafe { pyo3::ffi::PyUnicode_GetLength(s.as_ptr()) };
    let Ok(len) = usize::try_from(n) else {
        return Err(PyErr::fetch(py));
    };
    let mut buf: Vec<u32> = Vec::with_capacity(len);
    // SAFETY: `buf` has room for `n` code points; `copy_null = 0` writes no terminator; the
    // call writes exactly `n` code points or fails
    let r = unsafe { pyo3::ffi::PyUnicode_AsUCS4(s.as_ptr(), buf.as_mut_ptr(), n, 0) };
    if r.is_null() {
        return Err(PyErr::fetch(py));
    }
    // SAFETY: the call above initialized all `n` entries
    unsafe { buf.set_len(len) };
    Ok(buf)
}

/// A Python `str` from UTF-16 `units` in native byte order (made on the pool by the caller):
/// CPython decodes UTF-16 about twice as fast as UTF-8 (runs of characters below U+D800 are
/// copied four at a time). A U+FEFF at the start is kept: the byte order is given.
fn str_utf16<'py>(py: Python<'py>, units: &[u16]) -> PyResult<Bound<'py, PyAny>> {
    let mut order: std::os::raw::c_int = if cfg!(target_endian = "little") {
        -1
    } else {
        1
    };
    // SAFETY: the pointer and byte length describe `units`; `errors` may be null (strict);
    // `order` is a valid int the call may write
    unsafe {
        let obj = pyo3::ffi::PyUnicode_DecodeUTF16(
            units.as_ptr().cast(),
            (units.len() * 2) as pyo3::ffi::Py_ssize_t,
            std::ptr::null(),
            &mut order,
        );
        Bound::from_owned_ptr_or_err(py, obj)
    }
}

// ---------------------------------------------------------------------------------------------
// errors

fn raise(py: Python<'_>, class: &str, msg: String) -> PyErr {
    match py
        .import("vncooc.errors")
        .and_then(|m| m.getattr(class))
        .and_then(|c| c.call1((msg.clone(),)))
    {
        Ok(exc) => PyErr::from_value(exc),
        Err(_) => PyRuntimeError::new_err(msg),
    }
}

fn to_py(py: Python<'_>, e: Error) -> PyErr {
    match e {
        Error::Gazetteer { .. } => raise(py, "GazetteerError", e.to_string()),
        Error::InvalidArgument(m) => raise(py, "InvalidArgumentError", m),
        Error::Io { .. } => raise(py, "ReadError", e.to_string()),
        Error::Cancelled => pyo3::exceptions::PyKeyboardInterrupt::new_err("interrupted"),
    }
}

trait OrPy<T> {
    fn or_py(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> OrPy<T> for Result<T, Error> {
    fn or_py(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py(py, e))
    }
}

/// Run `f` with the GIL released; a panic in the core becomes `vncooc.errors.InternalError`.
fn guarded<T: Send>(py: Python<'_>, f: impl FnOnce() -> T + Send) -> PyResult<T> {
    py.detach(|| catch_unwind(AssertUnwindSafe(f)))
        .map_err(|panic| raise(py, "InternalError", panic_message(panic.as_ref())))
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    let msg = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    format!("internal error in the vncooc core (please report it): {msg}")
}

/// Run `job` on a pool of `n_threads` with the GIL released. Every 100 ms the waiting thread
/// checks for signals (Ctrl-C cancels the job, which stops at its next document) and reports
/// progress to `progress(done)`. A panic in the core becomes `vncooc.errors.InternalError`.
fn run<T: Send + 'static>(
    py: Python<'_>,
    n_threads: Option<usize>,
    progress: Option<&Bound<'_, PyAny>>,
    job: impl FnOnce(&Ctx) -> Result<T, Error> + Send + 'static,
) -> PyResult<T> {
    let n = parallel::resolve_threads(n_threads).or_py(py)?;
    let pool = parallel::pool(n).or_py(py)?;
    let ctx = Ctx::new();
    let job_ctx = Arc::clone(&ctx);
    let rx = spawn_job(&pool, move || job(&job_ctx));
    wait_job(py, rx, &ctx, progress)?.or_py(py)
}

/// The channel a job's result (or its panic) comes back on.
type JobResult<T> = std::sync::mpsc::Receiver<std::thread::Result<T>>;

/// Start `job` on `pool`; [`wait_job`] waits for it.
fn spawn_job<T: Send + 'static>(
    pool: &rayon::ThreadPool,
    job: impl FnOnce() -> T + Send + 'static,
) -> JobResult<T> {
    let (tx, rx) = channel();
    pool.spawn(move || {
        let r = catch_unwind(AssertUnwindSafe(job));
        // the receiver is gone only when the caller failed first: nothing to report
        let _ = tx.send(r);
    });
    rx
}

/// Wait for a job of [`spawn_job`] with the GIL released. Every 100 ms the waiting thread
/// checks for signals and reports progress to `progress(done)`; on Ctrl-C, or an error in the
/// callback, it cancels `ctx` and waits for the job to stop. A panic in the job becomes
/// `vncooc.errors.InternalError`.
fn wait_job<T: Send>(
    py: Python<'_>,
    rx: JobResult<T>,
    ctx: &Ctx,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<T> {
    let mut reported = usize::MAX;
    let mut rx = Some(rx);
    loop {
        // the receiver moves into the GIL-free closure and back (it is Send but not Sync)
        let (got, back) = match rx.take() {
            Some(r) => py.detach(move || (r.recv_timeout(Duration::from_millis(100)), r)),
            None => {
                return Err(raise(
                    py,
                    "InternalError",
                    "the result channel is gone".into(),
                ))
            }
        };
        rx = Some(back);
        match got {
            Ok(Ok(r)) => {
                if let Some(cb) = progress {
                    cb.call1((ctx.done(),))?; // the job has finished: nothing to cancel
                }
                return Ok(r);
            }
            Ok(Err(panic)) => {
                return Err(raise(py, "InternalError", panic_message(panic.as_ref())));
            }
            Err(RecvTimeoutError::Timeout) => {
                if let Err(e) = py.check_signals() {
                    ctx.cancel();
                    if let Some(r) = rx.take() {
                        let _ = py.detach(move || r.recv());
                    }
                    return Err(e);
                }
                if let Some(cb) = progress {
                    let done = ctx.done();
                    if done != reported {
                        reported = done;
                        if let Err(e) = cb.call1((done,)) {
                            ctx.cancel();
                            if let Some(r) = rx.take() {
                                let _ = py.detach(move || r.recv());
                            }
                            return Err(e);
                        }
                    }
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err(raise(
                    py,
                    "InternalError",
                    "the worker thread vanished".into(),
                ))
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// columns

fn col_num<'py, T: Copy, const N: usize>(
    py: Python<'py>,
    dtype: &str,
    values: impl Iterator<Item = T>,
    to_le: fn(T) -> [u8; N],
) -> PyResult<Bound<'py, PyTuple>> {
    let (lower, _) = values.size_hint();
    let mut bytes: Vec<u8> = Vec::with_capacity(lower * N);
    for x in values {
        bytes.extend_from_slice(&to_le(x));
    }
    PyTuple::new(
        py,
        [
            dtype.into_pyobject(py)?.into_any(),
            PyBytes::new(py, &bytes).into_any(),
        ],
    )
}

fn col_u32<'py>(py: Python<'py>, v: impl Iterator<Item = u32>) -> PyResult<Bound<'py, PyTuple>> {
    col_num(py, "<u4", v, u32::to_le_bytes)
}

fn col_u64<'py>(py: Python<'py>, v: impl Iterator<Item = u64>) -> PyResult<Bound<'py, PyTuple>> {
    col_num(py, "<u8", v, u64::to_le_bytes)
}

/// A categorical column: i32 codes (-1 = missing) and the category labels.
fn col_cat<'py, S: AsRef<str>>(
    py: Python<'py>,
    codes: impl Iterator<Item = i32>,
    categories: &[S],
) -> PyResult<Bound<'py, PyTuple>> {
    let (lower, _) = codes.size_hint();
    let mut bytes: Vec<u8> = Vec::with_capacity(lower * 4);
    for c in codes {
        bytes.extend_from_slice(&c.to_le_bytes());
    }
    let cats = PyList::new(py, categories.iter().map(|s| s.as_ref()))?;
    PyTuple::new(
        py,
        [
            "cat".into_pyobject(py)?.into_any(),
            PyBytes::new(py, &bytes).into_any(),
            cats.into_any(),
        ],
    )
}

fn col_str<'py, 'a>(
    py: Python<'py>,
    v: impl Iterator<Item = Option<&'a str>>,
) -> PyResult<Bound<'py, PyTuple>> {
    let list = PyList::new(py, v)?;
    PyTuple::new(py, ["str".into_pyobject(py)?.into_any(), list.into_any()])
}

/// Codes of repeated strings, interned in first-seen order.
#[derive(Default)]
struct Interner<'a> {
    index: rustc_hash::FxHashMap<&'a str, i32>,
    labels: Vec<&'a str>,
}

impl<'a> Interner<'a> {
    fn code(&mut self, s: &'a str) -> i32 {
        if let Some(&c) = self.index.get(s) {
            return c;
        }
        let c = self.labels.len() as i32;
        self.index.insert(s, c);
        self.labels.push(s);
        c
    }
}

// ---------------------------------------------------------------------------------------------
// gazetteer

/// A gazetteer and its compiled matchers (one per tone style, built on first use).
#[pyclass(module = "vncooc._core", name = "Gazetteer", frozen)]
pub struct PyGazetteer {
    inner: Arc<CoreGazetteer>,
    matchers: Mutex<HashMap<ToneStyle, Arc<Matcher>>>,
    forced: OnceLock<Arc<Forced>>,
}

impl PyGazetteer {
    fn wrap(g: CoreGazetteer) -> Self {
        PyGazetteer {
            inner: Arc::new(g),
            matchers: Mutex::new(HashMap::new()),
            forced: OnceLock::new(),
        }
    }

    /// The gazetteer's names as forced words of the segmenter (built on first use).
    fn forced(&self) -> Arc<Forced> {
        Arc::clone(
            self.forced
                .get_or_init(|| Arc::new(segment::gazetteer_forced(&self.inner))),
        )
    }

    fn matcher(&self, py: Python<'_>, style: ToneStyle) -> PyResult<Arc<Matcher>> {
        let mut map = self.matchers.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(m) = map.get(&style) {
            return Ok(Arc::clone(m));
        }
        let g = Arc::clone(&self.inner);
        let m = Arc::new(py.detach(|| Matcher::new(&g, style)).or_py(py)?);
        map.insert(style, Arc::clone(&m));
        Ok(m)
    }
}

/// Columns `entity_id, entity_type, <name_key>, name_en` of (id, type, Vietnamese name, English name).
fn entity_columns<'py, 'a>(
    py: Python<'py>,
    rows: impl Iterator<Item = (&'a str, &'a str, &'a str, &'a str)>,
    name_key: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let rows: Vec<(&str, &str, &str, &str)> = rows.collect();
    let d = PyDict::new(py);
    d.set_item("entity_id", col_str(py, rows.iter().map(|r| Some(r.0)))?)?;
    d.set_item("entity_type", col_str(py, rows.iter().map(|r| Some(r.1)))?)?;
    d.set_item(name_key, col_str(py, rows.iter().map(|r| Some(r.2)))?)?;
    d.set_item("name_en", col_str(py, rows.iter().map(|r| Some(r.3)))?)?;
    Ok(d)
}

static DEFAULT_GAZETTEER: std::sync::OnceLock<Py<PyGazetteer>> = std::sync::OnceLock::new();

fn default_gazetteer(py: Python<'_>) -> PyResult<Py<PyGazetteer>> {
    if let Some(g) = DEFAULT_GAZETTEER.get() {
        return Ok(g.clone_ref(py));
    }
    let g = CoreGazetteer::default_shared().or_py(py)?.clone();
    let obj = Py::new(py, PyGazetteer::wrap(g))?;
    Ok(DEFAULT_GAZETTEER.get_or_init(|| obj).clone_ref(py))
}

#[pymethods]
impl PyGazetteer {
    /// The bundled gazetteer.
    #[staticmethod]
    fn default(py: Python<'_>) -> PyResult<Py<PyGazetteer>> {
        default_gazetteer(py)
    }

    /// A gazetteer from JSON Lines text; `base` adds these records to another gazetteer's.
    #[staticmethod]
    #[pyo3(signature = (text, source_name, base=None, stop_phrases=None))]
    fn from_jsonl(
        py: Python<'_>,
        text: &str,
        source_name: &str,
        base: Option<&PyGazetteer>,
        stop_phrases: Option<&str>,
    ) -> PyResult<PyGazetteer> {
        let mut g = base.map(|b| (*b.inner).clone()).unwrap_or_default();
        g.add_jsonl(text, source_name).or_py(py)?;
        if let Some(s) = stop_phrases {
            g.add_stop_phrases(s);
        }
        let g = PyGazetteer::wrap(g);
        g.matcher(py, ToneStyle::Old)?; // report alias conflicts now, not at first use
        Ok(g)
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// Columns of the records: id, type, name_vi, name_en, wikidata, country, aliases (joined by "|").
    fn records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let e = self.inner.entries();
        let d = entity_columns(
            py,
            e.iter().map(|x| {
                (
                    x.id.as_str(),
                    x.entity_type.as_str(),
                    x.name_vi.as_str(),
                    x.name_en.as_str(),
                )
            }),
            "name_vi",
        )?;
        d.set_item(
            "wikidata",
            col_str(py, e.iter().map(|x| x.wikidata.as_deref()))?,
        )?;
        d.set_item(
            "country",
            col_str(py, e.iter().map(|x| x.country.as_deref()))?,
        )?;
        let aliases: Vec<String> = e.iter().map(|x| x.aliases.join("|")).collect();
        d.set_item(
            "aliases",
            col_str(py, aliases.iter().map(|s| Some(s.as_str())))?,
        )?;
        Ok(d)
    }
}

fn gazetteer_or_default(py: Python<'_>, g: Option<Py<PyGazetteer>>) -> PyResult<Py<PyGazetteer>> {
    match g {
        Some(g) => Ok(g),
        None => default_gazetteer(py),
    }
}

// ---------------------------------------------------------------------------------------------
// corpus

fn compile_patterns(py: Python<'_>, pats: Option<Vec<String>>, what: &str) -> PyResult<Vec<Regex>> {
    pats.unwrap_or_default()
        .iter()
        .map(|p| {
            Regex::new(p).map_err(|e| {
                to_py(
                    py,
                    Error::InvalidArgument(format!("invalid {what} pattern {p:?}: {e}")),
                )
            })
        })
        .collect()
}

/// The columns of `Corpus.documents()`, in order (also `vncooc._core.DOCUMENT_COLUMNS`).
const DOCUMENT_COLUMNS: [&str; 13] = [
    "doc_id",
    "title",
    "date",
    "date_source",
    "source",
    "text",
    "n_chars",
    "n_sentences",
    "n_tokens",
    "n_mentions",
    "n_removed",
    "invalid_bytes",
    "duplicate_of",
];

/// A processed corpus: documents with their sentences and mentions, and the skipped inputs.
#[pyclass(module = "vncooc._core", name = "Corpus", frozen)]
pub struct PyCorpus {
    docs: Arc<Vec<Doc>>,
    skipped: Vec<Skipped>,
    matcher: Arc<Matcher>,
    forced: Arc<Forced>,
    n_threads: Option<usize>,
    /// Tokens per document, counted the first time they are asked for.
    n_tokens: OnceLock<Vec<u32>>,
}

impl PyCorpus {
    fn n_tokens(&self, py: Python<'_>) -> PyResult<&[u32]> {
        if self.n_tokens.get().is_none() {
            let docs = Arc::clone(&self.docs);
            let counts = run(py, self.n_threads, None, move |_| {
                Ok(docs.par_iter().map(Doc::n_tokens).collect())
            })?;
            let _ = self.n_tokens.set(counts);
        }
        Ok(self.n_tokens.get().map_or(&[], Vec::as_slice))
    }
}

#[pymethods]
impl PyCorpus {
    /// Build a corpus. Either `texts` or `paths` is given, aligned with `ids`, `dates`, `sources`.
    #[staticmethod]
    #[pyo3(signature = (ids, texts=None, paths=None, dates=None, sources=None, gazetteer=None,
                        n_threads=None, tone_style="old", clean=true, drop_patterns=None,
                        keep_patterns=None, progress=None, dedup_threshold=Some(0.5),
                        furniture_min_docs=3))]
    #[allow(clippy::too_many_arguments)]
    fn build(
        py: Python<'_>,
        ids: Vec<String>,
        texts: Option<Vec<Bound<'_, PyString>>>,
        paths: Option<Vec<String>>,
        dates: Option<Vec<Option<String>>>,
        sources: Option<Vec<Option<String>>>,
        gazetteer: Option<Py<PyGazetteer>>,
        n_threads: Option<usize>,
        tone_style: &str,
        clean: bool,
        drop_patterns: Option<Vec<String>>,
        keep_patterns: Option<Vec<String>>,
        progress: Option<Bound<'_, PyAny>>,
        dedup_threshold: Option<f64>,
        furniture_min_docs: usize,
    ) -> PyResult<PyCorpus> {
        let style: ToneStyle = tone_style.parse().or_py(py)?;
        let n = ids.len();
        let opts = Options {
            tone_style: style,
            clean: CleanOptions {
                drop: compile_patterns(py, drop_patterns, "drop")?,
                keep: compile_patterns(py, keep_patterns, "keep")?,
            },
            no_clean: !clean,
            dedup_threshold,
            furniture_min_docs,
        };
        let sources_in: Vec<Source> = match (texts, paths) {
            (Some(t), None) => utf8_texts(py, &t, n_threads)?
                .into_iter()
                .map(|(text, replaced)| match replaced {
                    0 => Source::Text(text),
                    _ => Source::Repaired { text, replaced },
                })
                .collect(),
            (None, Some(p)) => p.into_iter().map(|p| Source::File(p.into())).collect(),
            _ => {
                return Err(to_py(
                    py,
                    Error::InvalidArgument("give exactly one of texts or paths".into()),
                ))
            }
        };
        let dates = dates.unwrap_or_else(|| vec![None; n]);
        let outlets = sources.unwrap_or_else(|| vec![None; n]);
        if sources_in.len() != n || dates.len() != n || outlets.len() != n {
            return Err(to_py(
                py,
                Error::InvalidArgument(
                    "ids, texts/paths, dates and sources differ in length".into(),
                ),
            ));
        }
        let gaz = gazetteer_or_default(py, gazetteer)?;
        let matcher = gaz.get().matcher(py, style)?;
        let inputs: Vec<Input> = ids
            .into_iter()
            .zip(sources_in)
            .zip(dates.into_iter().zip(outlets))
            .map(|((id, source), (date, outlet))| Input {
                id,
                source,
                date,
                outlet,
            })
            .collect();
        let m = Arc::clone(&matcher);
        let outcomes = run(py, n_threads, progress.as_ref(), move |ctx| {
            corpus::process(inputs, &m, &opts, ctx)
        })?;
        let mut docs = Vec::with_capacity(outcomes.len());
        let mut skipped = Vec::new();
        for o in outcomes {
            match o {
                Ok(d) => docs.push(d),
                Err(s) => skipped.push(s),
            }
        }
        Ok(PyCorpus {
            docs: Arc::new(docs),
            skipped,
            matcher,
            forced: gaz.get().forced(),
            n_threads,
            n_tokens: OnceLock::new(),
        })
    }

    fn __len__(&self) -> usize {
        self.docs.len()
    }

    /// The document table as columns; `columns` (in any order) limits it to those named.
    #[pyo3(signature = (columns = None))]
    fn documents<'py>(
        &self,
        py: Python<'py>,
        columns: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        if let Some(bad) = columns
            .iter()
            .flatten()
            .find(|c| !DOCUMENT_COLUMNS.contains(&c.as_str()))
        {
            return Err(to_py(
                py,
                Error::InvalidArgument(format!("no documents() column {bad:?}")),
            ));
        }
        let docs = &*self.docs;
        let d = PyDict::new(py);
        for name in DOCUMENT_COLUMNS {
            if columns
                .as_ref()
                .is_some_and(|c| !c.iter().any(|x| x == name))
            {
                continue;
            }
            let col = match name {
                "doc_id" => col_str(py, docs.iter().map(|x| Some(x.id.as_str())))?,
                "title" => col_str(py, docs.iter().map(|x| x.title.as_deref()))?,
                "date" => col_str(py, docs.iter().map(|x| x.date.as_deref()))?,
                "date_source" => col_str(py, docs.iter().map(|x| x.date_origin))?,
                "source" => col_str(py, docs.iter().map(|x| x.source.as_deref()))?,
                "text" => col_str(py, docs.iter().map(|x| Some(x.text.as_str())))?,
                "n_chars" => col_u32(py, docs.iter().map(|x| x.n_chars))?,
                "n_sentences" => col_u32(py, docs.iter().map(|x| x.sentences.len() as u32))?,
                "n_tokens" => col_u32(py, self.n_tokens(py)?.iter().copied())?,
                "n_mentions" => col_u32(py, docs.iter().map(|x| x.mentions.len() as u32))?,
                "n_removed" => col_u32(py, docs.iter().map(|x| x.removed.len() as u32))?,
                "invalid_bytes" => col_u64(py, docs.iter().map(|x| x.invalid_bytes))?,
                _ => col_str(py, docs.iter().map(|x| x.duplicate_of.as_deref()))?,
            };
            d.set_item(name, col)?;
        }
        Ok(d)
    }

    fn sentences<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let docs = &*self.docs;
        let n: usize = docs.iter().map(|d| d.sentences.len()).sum();
        let mut doc_codes = Vec::with_capacity(n);
        let mut sent_ids = Vec::with_capacity(n);
        let mut starts = Vec::with_capacity(n);
        let mut ends = Vec::with_capacity(n);
        let mut texts: Vec<&str> = Vec::with_capacity(n);
        for (di, doc) in docs.iter().enumerate() {
            let mut byte_of = byte_offsets(&doc.text);
            for (si, &(s, e)) in doc.sentences.iter().enumerate() {
                doc_codes.push(di as i32);
                sent_ids.push(si as u32);
                starts.push(s);
                ends.push(e);
                let (bs, be) = (byte_of(s), byte_of(e));
                texts.push(&doc.text[bs..be]);
            }
        }
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        let d = PyDict::new(py);
        d.set_item("doc_id", col_cat(py, doc_codes.into_iter(), &ids)?)?;
        d.set_item("sent_id", col_u32(py, sent_ids.into_iter())?)?;
        d.set_item("start", col_u32(py, starts.into_iter())?)?;
        d.set_item("end", col_u32(py, ends.into_iter())?)?;
        d.set_item("text", col_str(py, texts.into_iter().map(Some))?)?;
        Ok(d)
    }

    fn mentions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let docs = &*self.docs;
        let ents = self.matcher.entities();
        let n: usize = docs.iter().map(|d| d.mentions.len()).sum();
        let mut doc_codes = Vec::with_capacity(n);
        let (mut sent, mut start, mut end) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        let mut ent = Vec::with_capacity(n);
        let mut surfaces = Interner::default();
        let mut surface_codes = Vec::with_capacity(n);
        for (di, doc) in docs.iter().enumerate() {
            for m in &doc.mentions {
                doc_codes.push(di as i32);
                sent.push(m.sent);
                start.push(m.start);
                end.push(m.end);
                ent.push(m.entity as i32);
                let (bs, be) = (m.byte_start as usize, m.byte_end as usize);
                surface_codes.push(surfaces.code(&doc.text[bs..be]));
            }
        }
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        let eids: Vec<&str> = ents.iter().map(|e| e.id.as_str()).collect();
        let etypes: Vec<&str> = crate::entities::EntityType::ALL
            .iter()
            .map(|t| t.as_str())
            .collect();
        let enames: Vec<&str> = ents.iter().map(|e| e.name_vi.as_str()).collect();
        let d = PyDict::new(py);
        d.set_item("doc_id", col_cat(py, doc_codes.into_iter(), &ids)?)?;
        d.set_item("sent_id", col_u32(py, sent.into_iter())?)?;
        d.set_item("start", col_u32(py, start.into_iter())?)?;
        d.set_item("end", col_u32(py, end.into_iter())?)?;
        d.set_item(
            "surface",
            col_cat(py, surface_codes.into_iter(), &surfaces.labels)?,
        )?;
        d.set_item("entity_id", col_cat(py, ent.iter().copied(), &eids)?)?;
        d.set_item(
            "entity_type",
            col_cat(
                py,
                ent.iter().map(|&e| ents[e as usize].entity_type as i32),
                &etypes,
            )?,
        )?;
        d.set_item("entity_name", col_cat(py, ent.iter().copied(), &enames)?)?;
        Ok(d)
    }

    /// Per entity found: mentions and documents, sorted by mentions (descending) then id.
    fn entities<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let ents = self.matcher.entities();
        let mut mentions = vec![0u64; ents.len()];
        let mut documents = vec![0u64; ents.len()];
        let mut seen = vec![usize::MAX; ents.len()];
        for (di, doc) in self.docs.iter().enumerate() {
            for m in &doc.mentions {
                let e = m.entity as usize;
                mentions[e] += 1;
                if seen[e] != di {
                    seen[e] = di;
                    documents[e] += 1;
                }
            }
        }
        let mut order: Vec<usize> = (0..ents.len()).filter(|&e| mentions[e] > 0).collect();
        order.sort_by(|&a, &b| {
            mentions[b]
                .cmp(&mentions[a])
                .then(ents[a].id.cmp(&ents[b].id))
        });
        let d = PyDict::new(py);
        d.set_item(
            "entity_id",
            col_str(py, order.iter().map(|&e| Some(ents[e].id.as_str())))?,
        )?;
        d.set_item(
            "entity_type",
            col_str(
                py,
                order.iter().map(|&e| Some(ents[e].entity_type.as_str())),
            )?,
        )?;
        d.set_item(
            "entity_name",
            col_str(py, order.iter().map(|&e| Some(ents[e].name_vi.as_str())))?,
        )?;
        d.set_item(
            "name_en",
            col_str(py, order.iter().map(|&e| Some(ents[e].name_en.as_str())))?,
        )?;
        d.set_item("mentions", col_u64(py, order.iter().map(|&e| mentions[e]))?)?;
        d.set_item(
            "documents",
            col_u64(py, order.iter().map(|&e| documents[e]))?,
        )?;
        Ok(d)
    }

    /// Raw co-occurrence counts per slice: pairs (group, a, b, count), margins (group, entity, n)
    /// and the number of contexts of each group.
    #[pyo3(signature = (level, keep_duplicates, frequency, groups=None, n_groups=1, entity_mask=None, window=None))]
    #[allow(clippy::too_many_arguments)]
    fn count<'py>(
        &self,
        py: Python<'py>,
        level: &str,
        keep_duplicates: bool,
        frequency: bool,
        groups: Option<Vec<u32>>,
        n_groups: usize,
        entity_mask: Option<Vec<bool>>,
        window: Option<u32>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let level: Level = level.parse().or_py(py)?;
        if let Some(g) = &groups {
            if g.len() != self.docs.len() || g.iter().any(|&x| x as usize >= n_groups.max(1)) {
                return Err(to_py(
                    py,
                    Error::InvalidArgument(
                        "groups must give each document a slice below n_groups".into(),
                    ),
                ));
            }
        }
        let docs = Arc::clone(&self.docs);
        let per_group = run(py, self.n_threads, None, move |ctx| {
            let spec = corpus::CountSpec {
                level,
                keep_duplicates,
                frequency,
                groups: groups.as_deref(),
                n_groups,
                entities: entity_mask.as_deref(),
                window,
            };
            let c = corpus::count_cooccurrence(&docs, spec, Some(ctx));
            ctx.check().map(|_| c)
        })?;
        let eids: Vec<&str> = self
            .matcher
            .entities()
            .iter()
            .map(|e| e.id.as_str())
            .collect();
        let (mut pg, mut pa, mut pb, mut pc) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut mg, mut me, mut mn) = (Vec::new(), Vec::new(), Vec::new());
        for (g, counts) in per_group.iter().enumerate() {
            for r in counts.rows(1) {
                pg.push(g as u32);
                pa.push(r.a as i32);
                pb.push(r.b as i32);
                pc.push(r.count);
            }
            for (e, n) in counts.margins() {
                mg.push(g as u32);
                me.push(e as i32);
                mn.push(n);
            }
        }
        let pairs = PyDict::new(py);
        pairs.set_item("group", col_u32(py, pg.into_iter())?)?;
        pairs.set_item("entity_a", col_cat(py, pa.into_iter(), &eids)?)?;
        pairs.set_item("entity_b", col_cat(py, pb.into_iter(), &eids)?)?;
        pairs.set_item("count", col_u64(py, pc.into_iter())?)?;
        let margins = PyDict::new(py);
        margins.set_item("group", col_u32(py, mg.into_iter())?)?;
        margins.set_item("entity", col_cat(py, me.into_iter(), &eids)?)?;
        margins.set_item("n", col_u64(py, mn.into_iter())?)?;
        let contexts: Vec<u64> = per_group.iter().map(|c| c.n_contexts).collect();
        PyTuple::new(
            py,
            [
                pairs.into_any(),
                margins.into_any(),
                contexts.into_pyobject(py)?.into_any(),
            ],
        )
    }

    /// The words (or syllables) of every document: doc_id, sent_id, start, end, token, kind.
    /// `dictionary` adds forced words for this call only.
    #[pyo3(signature = (unit="word", dictionary=None, drop_stopwords=false, drop_punct=false))]
    fn tokens<'py>(
        &self,
        py: Python<'py>,
        unit: &str,
        dictionary: Option<Vec<String>>,
        drop_stopwords: bool,
        drop_punct: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        let unit: corpus::Unit = unit.parse().or_py(py)?;
        let seg = Segmenter::default_shared().or_py(py)?;
        let extra = user_forced(dictionary);
        let docs = Arc::clone(&self.docs);
        let forced = Arc::clone(&self.forced);
        let rows = run(py, self.n_threads, None, move |ctx| {
            // the caller's dictionary first: its words win over the gazetteer's names
            let f: Vec<&Forced> = extra.iter().chain([&*forced]).collect();
            Ok(docs
                .par_iter()
                .map(|d| {
                    if ctx.is_cancelled() {
                        return Vec::new();
                    }
                    let mut rows = corpus::doc_tokens(d, unit, seg, &f);
                    corpus::filter_tokens(d, &mut rows, drop_punct, drop_stopwords);
                    rows
                })
                .collect::<Vec<_>>())
        })?;
        let docs = &*self.docs;
        let n: usize = rows.iter().map(Vec::len).sum();
        let mut doc_codes = Vec::with_capacity(n);
        let mut tokens = Interner::default();
        let mut token_codes = Vec::with_capacity(n);
        for (di, (doc, rs)) in docs.iter().zip(&rows).enumerate() {
            for r in rs {
                doc_codes.push(di as i32);
                token_codes.push(tokens.code(&doc.text[r.byte_start..r.byte_end]));
            }
        }
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        let kinds: Vec<&str> = TokenKind::ALL.iter().map(|k| k.as_str()).collect();
        let all = || rows.iter().flatten();
        let d = PyDict::new(py);
        d.set_item("doc_id", col_cat(py, doc_codes.into_iter(), &ids)?)?;
        d.set_item("sent_id", col_u32(py, all().map(|r| r.sent))?)?;
        d.set_item("start", col_u32(py, all().map(|r| r.start))?)?;
        d.set_item("end", col_u32(py, all().map(|r| r.end))?)?;
        d.set_item(
            "token",
            col_cat(py, token_codes.into_iter(), &tokens.labels)?,
        )?;
        d.set_item(
            "kind",
            col_cat(
                py,
                all().map(|r| {
                    TokenKind::ALL
                        .iter()
                        .position(|k| *k == r.kind)
                        .unwrap_or(0) as i32
                }),
                &kinds,
            )?,
        )?;
        Ok(d)
    }

    /// Word counts in the contexts that mention every target entity and elsewhere:
    /// (terms, in_target, elsewhere, target_words, other_words, target_contexts, contexts).
    #[pyo3(signature = (targets, level="sentence", keep_duplicates=false, stopwords=true, dictionary=None, entities=false))]
    #[allow(clippy::type_complexity, clippy::too_many_arguments)]
    fn term_counts(
        &self,
        py: Python<'_>,
        targets: Vec<String>,
        level: &str,
        keep_duplicates: bool,
        stopwords: bool,
        dictionary: Option<Vec<String>>,
        entities: bool,
    ) -> PyResult<(Vec<String>, Vec<u64>, Vec<u64>, u64, u64, u64, u64)> {
        let level: Level = level.parse().or_py(py)?;
        let ents = self.matcher.entities();
        let mut idx = Vec::new();
        for t in &targets {
            match ents.iter().position(|e| &e.id == t) {
                Some(i) => idx.push(i as u32),
                None => {
                    return Err(to_py(
                        py,
                        Error::InvalidArgument(format!("unknown entity id {t:?}")),
                    ))
                }
            }
        }
        idx.sort_unstable();
        idx.dedup();
        if idx.is_empty() || idx.len() > 8 {
            return Err(to_py(
                py,
                Error::InvalidArgument("give one entity id or a few (at most 8)".into()),
            ));
        }
        let seg = Segmenter::default_shared().or_py(py)?;
        let extra = user_forced(dictionary);
        let docs = Arc::clone(&self.docs);
        let forced = Arc::clone(&self.forced);
        let c = run(py, self.n_threads, None, move |ctx| {
            // the caller's dictionary first: its words win over the gazetteer's names
            let f: Vec<&Forced> = extra.iter().chain([&*forced]).collect();
            let stop = stopwords.then(segment::stopwords);
            Ok(corpus::term_counts(
                &docs,
                level,
                &idx,
                entities,
                keep_duplicates,
                seg,
                &f,
                stop,
                Some(ctx),
            ))
        })?;
        let mut terms: Vec<(String, (u64, u64))> = c.terms.into_iter().collect();
        terms.sort_unstable();
        let (mut words, mut a, mut b) = (Vec::new(), Vec::new(), Vec::new());
        for (w, (x, y)) in terms {
            words.push(w);
            a.push(x);
            b.push(y);
        }
        Ok((
            words,
            a,
            b,
            c.target_words,
            c.other_words,
            c.target_contexts,
            c.contexts,
        ))
    }

    /// Every entity of the gazetteer, in index order: entity_id, entity_type, entity_name, name_en.
    fn entity_info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let e = self.matcher.entities();
        entity_columns(
            py,
            e.iter().map(|x| {
                (
                    x.id.as_str(),
                    x.entity_type.as_str(),
                    x.name_vi.as_str(),
                    x.name_en.as_str(),
                )
            }),
            "entity_name",
        )
    }

    /// Names the gazetteer lacks: capitalized sequences with counts and an example sentence.
    #[pyo3(signature = (min_count=1))]
    fn candidates<'py>(&self, py: Python<'py>, min_count: u64) -> PyResult<Bound<'py, PyDict>> {
        let docs = Arc::clone(&self.docs);
        let found = run(py, self.n_threads, None, move |_| {
            Ok(crate::discover::candidates(&docs, min_count))
        })?;
        let docs = &*self.docs;
        let example = |c: &crate::discover::Candidate| {
            let (di, si) = c.example;
            let doc = &docs[di];
            let (s, e) = doc.sentences[si];
            let text: String = doc
                .text
                .chars()
                .skip(s as usize)
                .take((e - s) as usize)
                .collect();
            (doc.id.as_str(), text)
        };
        let examples: Vec<(&str, String)> = found.iter().map(example).collect();
        let d = PyDict::new(py);
        d.set_item(
            "candidate",
            col_str(py, found.iter().map(|c| Some(c.surface.as_str())))?,
        )?;
        d.set_item("count", col_u64(py, found.iter().map(|c| c.count))?)?;
        d.set_item("documents", col_u64(py, found.iter().map(|c| c.documents))?)?;
        d.set_item("doc_id", col_str(py, examples.iter().map(|x| Some(x.0)))?)?;
        d.set_item(
            "example",
            col_str(py, examples.iter().map(|x| Some(x.1.as_str())))?,
        )?;
        Ok(d)
    }

    fn removed<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let docs = &*self.docs;
        let mut doc_codes = Vec::new();
        let mut line_no = Vec::new();
        let mut texts: Vec<&str> = Vec::new();
        let mut reasons = Vec::new();
        for (di, doc) in docs.iter().enumerate() {
            for r in &doc.removed {
                doc_codes.push(di as i32);
                line_no.push(r.line_no as u32);
                texts.push(&r.text);
                reasons.push(
                    crate::clean::Reason::ALL
                        .iter()
                        .position(|x| *x == r.reason)
                        .unwrap_or(0) as i32,
                );
            }
        }
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        let labels: Vec<&str> = crate::clean::Reason::ALL
            .iter()
            .map(|r| r.as_str())
            .collect();
        let d = PyDict::new(py);
        d.set_item("doc_id", col_cat(py, doc_codes.into_iter(), &ids)?)?;
        d.set_item("line_no", col_u32(py, line_no.into_iter())?)?;
        d.set_item("text", col_str(py, texts.into_iter().map(Some))?)?;
        d.set_item("reason", col_cat(py, reasons.into_iter(), &labels)?)?;
        Ok(d)
    }

    fn skipped<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = &self.skipped;
        let d = PyDict::new(py);
        d.set_item(
            "input_index",
            col_u64(py, s.iter().map(|x| x.index as u64))?,
        )?;
        d.set_item(
            "source",
            col_str(py, s.iter().map(|x| Some(x.id.as_str())))?,
        )?;
        d.set_item(
            "reason",
            col_str(py, s.iter().map(|x| Some(x.reason.as_str())))?,
        )?;
        Ok(d)
    }
}

/// Character offset → byte offset for one text, for increasing offsets (restarts if they go back).
fn byte_offsets(text: &str) -> impl FnMut(u32) -> usize + '_ {
    let mut it = text.char_indices();
    let mut pos = 0u32;
    let mut byte = 0usize;
    move |target: u32| {
        if target < pos {
            it = text.char_indices();
            pos = 0;
            byte = 0;
        }
        while pos < target {
            match it.next() {
                Some((_, c)) => {
                    byte += c.len_utf8();
                    pos += 1;
                }
                None => break,
            }
        }
        byte
    }
}

// ---------------------------------------------------------------------------------------------
// functions on one string

#[pyfunction]
#[pyo3(signature = (text, tone_style="old"))]
fn normalize(py: Python<'_>, text: &Bound<'_, PyString>, tone_style: &str) -> PyResult<String> {
    let text = text_arg(text)?;
    let style: ToneStyle = tone_style.parse().or_py(py)?;
    guarded(py, || core_normalize(text, style))
}

/// Clean one article: (text, title, date, date_source, source, [(line_no, text, reason)]).
#[pyfunction]
#[pyo3(signature = (text, tone_style="old", drop_patterns=None, keep_patterns=None))]
fn clean<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyString>,
    tone_style: &str,
    drop_patterns: Option<Vec<String>>,
    keep_patterns: Option<Vec<String>>,
) -> PyResult<Bound<'py, PyTuple>> {
    let text = text_arg(text)?;
    let style: ToneStyle = tone_style.parse().or_py(py)?;
    let opts = CleanOptions {
        drop: compile_patterns(py, drop_patterns, "drop")?,
        keep: compile_patterns(py, keep_patterns, "keep")?,
    };
    let c = guarded(py, || core_clean(&core_normalize(text, style), &opts))?;
    let removed = PyList::empty(py);
    for r in &c.removed {
        removed.append((r.line_no, r.text.as_str(), r.reason.as_str()))?;
    }
    let (date, origin) = match &c.date {
        Some(d) => (Some(d.iso.as_str()), Some(d.origin)),
        None => (None, None),
    };
    (
        c.text.as_str(),
        c.title.as_deref(),
        date,
        origin,
        c.source.as_deref(),
        removed,
    )
        .into_pyobject(py)
}

/// Sentence spans (character offsets) of `text` as given (no normalization).
#[pyfunction]
fn sentence_spans(py: Python<'_>, text: &Bound<'_, PyString>) -> PyResult<Vec<(usize, usize)>> {
    let text = text_arg(text)?;
    let spans = guarded(py, || split_sentences(text))?;
    let mut out = Vec::with_capacity(spans.len());
    let mut chars = 0usize;
    let mut byte = 0usize;
    for (s, e) in spans {
        chars += text[byte..s].chars().count();
        let cs = chars;
        chars += text[s..e].chars().count();
        byte = e;
        out.push((cs, chars));
    }
    Ok(out)
}

/// Mentions in `text` as given: [(start, end, surface, entity_id, entity_type, entity_name)].
/// The text is matched after normalization only if it is already normalized; callers normalize.
#[pyfunction]
#[pyo3(signature = (text, gazetteer=None, tone_style="old"))]
fn find_entities<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyString>,
    gazetteer: Option<Py<PyGazetteer>>,
    tone_style: &str,
) -> PyResult<Bound<'py, PyList>> {
    let text = text_arg(text)?;
    let style: ToneStyle = tone_style.parse().or_py(py)?;
    let gaz = gazetteer_or_default(py, gazetteer)?;
    let matcher = gaz.get().matcher(py, style)?;
    let found = guarded(py, || matcher.find(text))?;
    let ents = matcher.entities();
    let out = PyList::empty(py);
    let mut byte = 0usize;
    let mut chars = 0usize;
    for m in found {
        chars += text[byte..m.start].chars().count();
        let cs = chars;
        chars += text[m.start..m.end].chars().count();
        byte = m.end;
        let e = &ents[m.entity as usize];
        out.append((
            cs,
            chars,
            &text[m.start..m.end],
            e.id.as_str(),
            e.entity_type.as_str(),
            e.name_vi.as_str(),
        ))?;
    }
    Ok(out)
}

/// Seconds per stage over `texts` on `n_threads` threads (see `corpus::stage_seconds`).
#[pyfunction]
#[pyo3(signature = (texts, n_threads=None, tone_style="old"))]
fn bench_stages(
    py: Python<'_>,
    texts: Vec<String>,
    n_threads: Option<usize>,
    tone_style: &str,
) -> PyResult<Vec<(&'static str, f64)>> {
    let opts = Options {
        tone_style: tone_style.parse().or_py(py)?,
        ..Options::default()
    };
    let gaz = default_gazetteer(py)?;
    let matcher = gaz.get().matcher(py, opts.tone_style)?;
    run(py, n_threads, None, move |_| {
        Ok(corpus::stage_seconds(&texts, &matcher, &opts))
    })
}

/// Called in a forked child: the parent's thread pools do not exist there.
#[pyfunction]
fn _after_fork() {
    parallel::forget_pools_after_fork();
}

/// A user dictionary as forced words (any case), or nothing.
fn user_forced(dictionary: Option<Vec<String>>) -> Option<Forced> {
    dictionary.map(|words| {
        let mut f = Forced::new();
        for w in &words {
            f.insert(w, false);
        }
        f
    })
}

/// A word segmenter with its forced words (gazetteer names and a user dictionary).
#[pyclass(module = "vncooc._core", name = "Segmenter", frozen)]
pub struct PySegmenter {
    seg: Arc<Segmenter>,
    /// In the order applied: the user dictionary, then the gazetteer's names.
    forced: Arc<Vec<Arc<Forced>>>,
}

#[pymethods]
impl PySegmenter {
    #[new]
    #[pyo3(signature = (dictionary=None, lexicon=None, gazetteer=None, names=true))]
    fn new(
        py: Python<'_>,
        dictionary: Option<Vec<String>>,
        lexicon: Option<Vec<String>>,
        gazetteer: Option<Py<PyGazetteer>>,
        names: bool,
    ) -> PyResult<Self> {
        let seg = match lexicon {
            Some(words) => {
                let mut s = Segmenter::default_shared().or_py(py)?.clone();
                s.extend_lexicon(words.iter().map(String::as_str));
                Arc::new(s)
            }
            None => Segmenter::default_arc().or_py(py)?,
        };
        let mut forced: Vec<Arc<Forced>> =
            user_forced(dictionary).map(Arc::new).into_iter().collect();
        if names {
            let gaz = gazetteer_or_default(py, gazetteer)?;
            forced.push(gaz.get().forced());
        }
        Ok(PySegmenter {
            seg,
            forced: Arc::new(forced),
        })
    }

    /// The words of one text.
    #[pyo3(signature = (text, sentences=true))]
    fn words(
        &self,
        py: Python<'_>,
        text: &Bound<'_, PyString>,
        sentences: bool,
    ) -> PyResult<Vec<String>> {
        let text = text_arg(text)?;
        let f: Vec<&Forced> = self.forced.iter().map(|x| &**x).collect();
        guarded(py, || self.seg.word_strings(text, &f, sentences))
    }

    /// The words of many texts, in parallel: per text, the list of its words; with
    /// `underscores`, the text format instead ("Trung_Quốc hội_đàm").
    #[pyo3(signature = (texts, n_threads=None, sentences=true, underscores=false))]
    fn words_batch<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<Bound<'py, PyString>>,
        n_threads: Option<usize>,
        sentences: bool,
        underscores: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        // Chunks of texts in a pipeline: while the pool encodes and segments some chunks, this
        // thread copies the next one's code points out under the GIL (the copy is the only part
        // that needs it), so the copy does not hold up the pool. At most `2 * threads + 1`
        // chunks wait or run at once, so that the copies in flight (4 bytes a character) stay
        // a few chunks, not the whole batch.
        let threads = parallel::resolve_threads(n_threads).or_py(py)?;
        let pool = parallel::pool(threads).or_py(py)?;
        let ctx = Ctx::new();
        let (tx, rx) = channel::<ChunkMessage>();
        let (sep, inner) = if underscores { (' ', '_') } else { ('\n', ' ') };
        // each chunk's strings, made as soon as it is back, while the pool works on the others
        let mut parts: Vec<Option<Vec<Bound<'py, PyAny>>>> = Vec::new();
        let mut failure: Option<PyErr> = None;
        let (mut next, mut received) = (0usize, 0usize);
        let mut rx = Some(rx);
        loop {
            let in_flight = parts.len() - received;
            if failure.is_none() && next < texts.len() && in_flight < 2 * threads + 1 {
                let k = parts.len();
                let spawned = self.spawn_chunk(
                    py,
                    &texts,
                    &mut next,
                    k,
                    &pool,
                    &ctx,
                    &tx,
                    (sep, inner),
                    sentences,
                );
                match spawned {
                    Ok(()) => parts.push(None),
                    Err(e) => {
                        ctx.cancel();
                        failure = Some(e);
                    }
                }
                continue;
            }
            if received == parts.len() {
                break; // every chunk spawned so far is back, and no more will be
            }
            let Some(r) = rx.take() else { break };
            // the receiver moves into the GIL-free closure and back (it is Send, not Sync)
            let (got, back) = py.detach(move || (r.recv_timeout(Duration::from_millis(100)), r));
            rx = Some(back);
            match got {
                Ok((k, Ok(part))) => {
                    received += 1;
                    if failure.is_none() {
                        let strings = part.iter().map(|t| t.to_python(py)).collect();
                        match strings {
                            Ok(strings) => parts[k] = Some(strings),
                            Err(e) => {
                                ctx.cancel();
                                failure = Some(e);
                            }
                        }
                    }
                }
                Ok((_, Err(panic))) => {
                    received += 1;
                    ctx.cancel();
                    failure.get_or_insert_with(|| {
                        raise(py, "InternalError", panic_message(panic.as_ref()))
                    });
                }
                Err(RecvTimeoutError::Timeout) => {
                    if failure.is_none() {
                        if let Err(e) = py.check_signals() {
                            ctx.cancel();
                            failure = Some(e);
                        }
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    failure.get_or_insert_with(|| {
                        raise(py, "InternalError", "a worker thread vanished".into())
                    });
                    break;
                }
            }
        }
        if let Some(e) = failure {
            return Err(e);
        }
        PyList::new(py, parts.into_iter().flatten().flatten())
    }
}

/// Per text of a chunk: its words.
type ChunkWords = Vec<Joined>;

/// One text's words, as a worker made them for the calling thread.
enum Joined {
    /// The text format, as UTF-16.
    Text(Vec<u16>),
    /// The words separated by line breaks (a word never holds one), as UTF-16.
    Lines(Vec<u16>),
}

impl Joined {
    /// The Python object: a `str` for the text format, a list of `str` for the words.
    fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Joined::Text(units) => str_utf16(py, units),
            // one string split by `str.split` (on this thread, while the pool works on the
            // other chunks): faster than a string made for each word
            Joined::Lines(units) if units.is_empty() => Ok(PyList::empty(py).into_any()),
            Joined::Lines(units) => {
                str_utf16(py, units)?.call_method1(intern!(py, "split"), ("\n",))
            }
        }
    }
}

/// A chunk's number and its words (or the panic that stopped it).
type ChunkMessage = (usize, std::thread::Result<ChunkWords>);

/// One text of a chunk, as copied out of its string.
enum ChunkText {
    /// Code points copied out (most strings).
    CodePoints(Vec<u32>),
    /// A string longer than a chunk, through CPython's UTF-8 encoder (one copy, not four bytes a
    /// character; CPython keeps that UTF-8 inside the string).
    Utf8(String),
}

impl PySegmenter {
    /// Copy the texts from `texts[*next]` on, about [`WORDS_CHUNK_CODE_POINTS`] code points of
    /// them, under the GIL, and spawn their segmentation on `pool`, which sends its part to
    /// `tx` under the chunk's number `k`; advances `*next` past the chunk.
    #[allow(clippy::too_many_arguments)]
    fn spawn_chunk(
        &self,
        py: Python<'_>,
        texts: &[Bound<'_, PyString>],
        next: &mut usize,
        k: usize,
        pool: &Arc<rayon::ThreadPool>,
        ctx: &Arc<Ctx>,
        tx: &std::sync::mpsc::Sender<ChunkMessage>,
        (sep, inner): (char, char),
        sentences: bool,
    ) -> PyResult<()> {
        // Ctrl-C between chunks
        py.check_signals()?;
        let first = *next;
        let mut rest = &texts[first..];
        let chunk = copy_chunk(&mut rest, WORDS_CHUNK_CODE_POINTS)?;
        *next = texts.len() - rest.len();
        // the first lone surrogate stops the batch: looked for here, so that the error names the
        // first in input order whichever chunk the pool finishes first
        let surrogate = |item: &ChunkText| match item {
            // without an early exit, so that the loop is vectorized (texts rarely hold one)
            ChunkText::CodePoints(c) => c.iter().fold(false, |any, &u| any | (u >> 11 == 0x1B)),
            ChunkText::Utf8(_) => false,
        };
        if let Some(j) = chunk.iter().position(surrogate) {
            let msg = format!(
                "texts[{}] holds a lone surrogate (not a Unicode character)",
                first + j
            );
            return Err(raise(py, "InputError", msg));
        }
        let (tx, ctx) = (tx.clone(), Arc::clone(ctx));
        let (seg, forced) = (Arc::clone(&self.seg), Arc::clone(&self.forced));
        pool.spawn(move || {
            let part = catch_unwind(AssertUnwindSafe(|| {
                let f: Vec<&Forced> = forced.iter().map(|x| &**x).collect();
                chunk
                    .into_par_iter()
                    .map(|item| {
                        if ctx.is_cancelled() {
                            return Joined::Lines(Vec::new());
                        }
                        let units = match item {
                            ChunkText::CodePoints(c) => {
                                // no lone surrogates (checked above): nothing is replaced
                                let (text, _) = crate::input::utf8_from_code_points(&c);
                                // the NFC check on the code points, not again on the UTF-8
                                let nfc = crate::normalize::code_points_nfc_safe(&c);
                                let how = (sentences, nfc);
                                seg.words_joined_utf16(&text, &f, how, sep, inner)
                            }
                            ChunkText::Utf8(t) => {
                                let how = (sentences, false);
                                seg.words_joined_utf16(&t, &f, how, sep, inner)
                            }
                        };
                        if sep == '\n' {
                            Joined::Lines(units)
                        } else {
                            Joined::Text(units)
                        }
                    })
                    .collect()
            }));
            let _ = tx.send((k, part));
        });
        Ok(())
    }
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyGazetteer>()?;
    m.add_class::<PyCorpus>()?;
    m.add_class::<PySegmenter>()?;
    m.add_function(wrap_pyfunction!(normalize, m)?)?;
    m.add_function(wrap_pyfunction!(clean, m)?)?;
    m.add_function(wrap_pyfunction!(sentence_spans, m)?)?;
    m.add_function(wrap_pyfunction!(find_entities, m)?)?;
    m.add_function(wrap_pyfunction!(bench_stages, m)?)?;
    m.add_function(wrap_pyfunction!(_after_fork, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("DOCUMENT_COLUMNS", DOCUMENT_COLUMNS.to_vec())?;
    Ok(())
}
