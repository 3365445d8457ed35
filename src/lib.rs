//! vncooc: Vietnamese news → clean text, sentences, syllables, entities and their co-occurrence.
//!
//! The core is plain Rust, one module per stage; the Python bindings live in [`python`] behind
//! the `python` cargo feature and only convert.

pub mod clean;
pub mod cooccur;
pub mod corpus;
pub mod dedup;
pub mod discover;
pub mod entities;
pub mod error;
pub mod input;
pub mod meta;
pub mod normalize;
pub mod parallel;
pub mod segment;
pub mod sentences;
pub mod tokenize;

#[cfg(feature = "python")]
mod python;

pub use error::{Error, Result};

#[cfg(test)]
mod props;
