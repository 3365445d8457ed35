//! The core's error type. The Python layer maps each variant to a class of the `VncoocError` tree.

use std::path::PathBuf;

/// Everything the core can fail with. No variant is a panic in disguise: each names what was wrong.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A gazetteer file or record is malformed; `line` is 1-based (0 when not line-oriented).
    #[error("{}", located(source_name, *line, message))]
    Gazetteer {
        source_name: String,
        line: usize,
        message: String,
    },
    /// A caller-supplied argument is out of its domain.
    #[error("{0}")]
    InvalidArgument(String),
    /// A file or folder could not be read.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The run was interrupted (Ctrl-C in Python) before it finished.
    #[error("interrupted")]
    Cancelled,
}

pub type Result<T> = std::result::Result<T, Error>;

fn located(source_name: &str, line: usize, message: &str) -> String {
    if line == 0 {
        format!("{source_name}: {message}")
    } else {
        format!("{source_name}:{line}: {message}")
    }
}
