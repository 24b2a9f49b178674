//! RFC 5322 / MIME: the message model, its parser and writer, dates and
//! transfer encodings.
pub mod date;
pub mod encoding;
