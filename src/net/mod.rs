//! Network: TCP with timeouts, TLS, SASL, and the IMAP, POP3, NNTP and SMTP clients.
#![forbid(unsafe_code)]

pub mod imap;
pub mod md5;
pub mod nntp;
pub mod pop3;
pub mod sasl;
pub mod sasl_loop;
pub mod smtp;
pub mod tls;
pub mod transport;

pub use sasl::{Credentials, Mechanism, SaslClient, SaslError};
pub use tls::{CertQueryHook, TlsFailure, TlsOptions};
pub use transport::{Connection, LogHook, LogKind, NetError, OpenOptions, TimeoutHook, Timeouts};
