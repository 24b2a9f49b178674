//! RFC 5322 / MIME: the message model, its parser and writer, dates and
//! transfer encodings.
#![forbid(unsafe_code)]

pub mod address;
pub mod date;
pub mod encoding;
pub mod lex;
pub mod model;
pub mod parse;
pub mod write;
