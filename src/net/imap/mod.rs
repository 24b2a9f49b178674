//! The IMAP4rev1 client: response parser, session and SASL login.
pub mod auth;
pub mod ext;
pub mod parse;
pub mod session;
