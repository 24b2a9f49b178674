//! Network: TCP with timeouts, TLS, SASL, and the IMAP, POP3, NNTP and SMTP clients.
#![forbid(unsafe_code)]

pub mod imap;
