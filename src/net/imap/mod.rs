//! The IMAP4rev1 client: response parser and session.
pub mod ext;
pub mod parse;
pub mod session;
