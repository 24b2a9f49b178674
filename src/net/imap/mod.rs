//! The IMAP4rev1 client: response parser and session.
pub mod parse;
pub mod session;
