//! TLS client sessions with rustls: the aws-lc-rs provider, TLS 1.2 and
//! 1.3, SNI always sent for host names, certificates checked against the
//! system trust store (or `SSL_CERT_FILE`/`SSL_CERT_DIR`) with RFC 6125
//! host-name matching, and the original's certificate-query and failure
//! texts (OpenSSL's wording for verification errors).

use std::fmt;
use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, ClientConnection, DigitallySignedStruct, RootCertStore,
};

/// Asked when a certificate fails verification: (reason, host, subject of
/// the certificate); `true` accepts it anyway (the original's
/// `SET_SSLCERTIFICATEQUERY` callback).
pub type CertQueryHook = Arc<dyn Fn(&str, &str, &str) -> bool + Send + Sync>;

/// How to run TLS on a connection.
#[derive(Clone, Default)]
pub struct TlsOptions {
    /// Name sent as SNI and checked against the certificate; empty means
    /// the connection's host. A `[address]` literal or bare address is
    /// checked as an IP address and sends no SNI (RFC 6066).
    pub server_name: String,
    /// Skip certificate verification (`/novalidate-cert`).
    pub novalidate: bool,
    /// Extra directory or file of trusted certificates in PEM (the
    /// original's `SET_SSLCAPATH`).
    pub ca_path: Option<String>,
    pub cert_query: Option<CertQueryHook>,
}

impl fmt::Debug for TlsOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsOptions")
            .field("server_name", &self.server_name)
            .field("novalidate", &self.novalidate)
            .field("ca_path", &self.ca_path)
            .field("cert_query", &self.cert_query.is_some())
            .finish()
    }
}

/// Why TLS did not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsFailure {
    /// The certificate did not verify: OpenSSL's reason text and the
    /// certificate's subject in OpenSSL's one-line form.
    Certificate { reason: String, subject: String },
    /// The certificate-query callback declined the certificate.
    Declined,
    /// Anything else (protocol, alert, I/O during the handshake).
    Negotiation(String),
}

impl TlsFailure {
    /// The original's catch-all text.
    pub fn negotiation() -> TlsFailure {
        TlsFailure::Negotiation("SSL negotiation failed".into())
    }

    pub fn from_rustls(_e: &rustls::Error) -> TlsFailure {
        TlsFailure::negotiation()
    }

    /// The reason as the original hands it to the failure callback.
    pub fn reason(&self) -> String {
        match self {
            TlsFailure::Certificate { reason, subject } => {
                format!("{}: {}", clip(reason, 128), clip(subject, 255))
            }
            TlsFailure::Declined => String::new(),
            TlsFailure::Negotiation(t) => t.clone(),
        }
    }

    pub fn is_certificate(&self) -> bool {
        matches!(self, TlsFailure::Certificate { .. })
    }
}

impl fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason())
    }
}

fn clip(s: &str, n: usize) -> &str {
    if s.len() <= n {
        return s;
    }
    let mut end = n;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A rustls client connection plus what its verifier learnt.
pub struct TlsSession {
    pub(crate) conn: ClientConnection,
    outcome: Arc<Mutex<Option<TlsFailure>>>,
}

impl TlsSession {
    /// Prepares a client session for `host` (not yet handshaken).
    pub fn new(opts: &TlsOptions, host: &str) -> Result<TlsSession, TlsFailure> {
        let bare = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        let bare = bare
            .strip_prefix("IPv6:")
            .or_else(|| bare.strip_prefix("ipv6:"))
            .unwrap_or(bare);
        let name = ServerName::try_from(bare.to_string())
            .map_err(|_| TlsFailure::Negotiation("SSL negotiation failed".into()))?;
        let outcome = Arc::new(Mutex::new(None));
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let inner = if opts.novalidate {
            None
        } else {
            let roots = roots(opts.ca_path.as_deref());
            if roots.is_empty() {
                Some(Inner::NoRoots)
            } else {
                match WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                    .build()
                {
                    Ok(v) => Some(Inner::WebPki(v)),
                    Err(_) => Some(Inner::NoRoots),
                }
            }
        };
        let verifier = Arc::new(Verifier {
            inner,
            provider: provider.clone(),
            query: opts.cert_query.clone(),
            host: host.to_string(),
            outcome: outcome.clone(),
        });
        let config = ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .map_err(|_| TlsFailure::Negotiation("SSL context failed".into()))?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        let conn = ClientConnection::new(Arc::new(config), name)
            .map_err(|_| TlsFailure::Negotiation("SSL connection failed".into()))?;
        Ok(TlsSession { conn, outcome })
    }

    /// What the verifier recorded, else `other`.
    pub fn failure_or(&self, other: TlsFailure) -> TlsFailure {
        self.outcome
            .lock()
            .ok()
            .and_then(|g| g.clone())
            .unwrap_or(other)
    }

    /// "TLSv1.3" or "TLSv1.2" once negotiated.
    pub fn version(&self) -> Option<&'static str> {
        match self.conn.protocol_version()? {
            rustls::ProtocolVersion::TLSv1_3 => Some("TLSv1.3"),
            rustls::ProtocolVersion::TLSv1_2 => Some("TLSv1.2"),
            _ => Some("TLS"),
        }
    }
}

enum Inner {
    WebPki(Arc<WebPkiServerVerifier>),
    NoRoots,
}

struct Verifier {
    inner: Option<Inner>,
    provider: Arc<CryptoProvider>,
    query: Option<CertQueryHook>,
    host: String,
    outcome: Arc<Mutex<Option<TlsFailure>>>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("host", &self.host)
            .finish()
    }
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let result = match &self.inner {
            None => return Ok(ServerCertVerified::assertion()),
            Some(Inner::NoRoots) => Err(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer,
            )),
            Some(Inner::WebPki(v)) => {
                v.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
            }
        };
        let err = match result {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        let reason = openssl_reason(&err, end_entity.as_ref());
        let subject = subject_oneline(end_entity.as_ref()).unwrap_or_else(|| "???".into());
        let mut slot = self.outcome.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(q) = &self.query {
            if q(&reason, &self.host, &subject) {
                return Ok(ServerCertVerified::assertion());
            }
            *slot = Some(TlsFailure::Declined);
        } else {
            *slot = Some(TlsFailure::Certificate { reason, subject });
        }
        Err(err)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// OpenSSL's `X509_verify_cert_error_string` text for a rustls
/// verification error, so that messages read as the original's.
fn openssl_reason(e: &rustls::Error, leaf: &[u8]) -> String {
    let t = match e {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::UnknownIssuer => {
                if is_self_issued(leaf) {
                    "self-signed certificate"
                } else {
                    "unable to get local issuer certificate"
                }
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                "hostname mismatch"
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "certificate has expired"
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "certificate is not yet valid"
            }
            CertificateError::Revoked => "certificate revoked",
            CertificateError::BadSignature => "certificate signature failure",
            CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
                "unsupported certificate purpose"
            }
            _ => "unspecified certificate verification error",
        },
        _ => "unspecified certificate verification error",
    };
    t.to_string()
}

/// The trusted roots: the system store (rustls-native-certs, which honours
/// SSL_CERT_FILE and SSL_CERT_DIR), plus `extra`. Loaded once per distinct
/// environment and kept.
pub fn roots(extra: Option<&str>) -> RootCertStore {
    type Cache = Option<(String, RootCertStore)>;
    static CACHE: Mutex<Cache> = Mutex::new(None);
    let key = format!(
        "{:?}\0{:?}",
        std::env::var_os("SSL_CERT_FILE"),
        std::env::var_os("SSL_CERT_DIR")
    );
    let mut base = {
        let mut g = CACHE.lock().unwrap_or_else(|p| p.into_inner());
        match &*g {
            Some((k, store)) if *k == key => store.clone(),
            _ => {
                let mut store = RootCertStore::empty();
                let loaded = rustls_native_certs::load_native_certs();
                store.add_parsable_certificates(loaded.certs);
                *g = Some((key, store.clone()));
                store
            }
        }
    };
    if let Some(path) = extra {
        add_pem_path(&mut base, path);
    }
    base
}

fn add_pem_path(store: &mut RootCertStore, path: &str) {
    let p = std::path::Path::new(path);
    let files: Vec<std::path::PathBuf> = if p.is_dir() {
        std::fs::read_dir(p)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default()
    } else {
        vec![p.to_path_buf()]
    };
    for f in files {
        if let Ok(bytes) = std::fs::read(&f) {
            let certs = pem_certificates(&bytes);
            store.add_parsable_certificates(certs);
        }
    }
}

/// The CERTIFICATE blocks of a PEM text, decoded.
pub fn pem_certificates(text: &[u8]) -> Vec<CertificateDer<'static>> {
    use base64::Engine;
    let text = String::from_utf8_lossy(text);
    let mut out = Vec::new();
    let mut rest = text.as_ref();
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    while let Some(b) = rest.find(BEGIN) {
        let after = &rest[b + BEGIN.len()..];
        let Some(e) = after.find(END) else { break };
        let body: String = after[..e].chars().filter(|c| !c.is_whitespace()).collect();
        if let Ok(der) = base64::engine::general_purpose::STANDARD.decode(body) {
            out.push(CertificateDer::from(der));
        }
        rest = &after[e + END.len()..];
    }
    out
}

// ---- a little DER, enough for the subject and issuer names ----

/// One DER element: (tag, content, rest).
fn der(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&l0, mut rest) = rest.split_first()?;
    let len = if l0 < 0x80 {
        l0 as usize
    } else {
        let n = (l0 & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let mut l = 0usize;
        for &b in &rest[..n] {
            l = (l << 8) | b as usize;
        }
        rest = &rest[n..];
        l
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

/// (issuer, subject) raw Name elements of a certificate.
fn names(cert: &[u8]) -> Option<(&[u8], &[u8])> {
    let (_, certificate, _) = der(cert)?;
    let (_, tbs, _) = der(certificate)?;
    let mut rest = tbs;
    let (tag, _, r) = der(rest)?;
    if tag == 0xa0 {
        rest = r; // explicit version
    }
    let (_, _, r) = der(rest)?; // serial
    let (_, _, r) = der(r)?; // signature algorithm
    let (_, issuer, r) = der(r)?;
    let (_, _, r) = der(r)?; // validity
    let (_, subject, _) = der(r)?;
    Some((issuer, subject))
}

fn is_self_issued(cert: &[u8]) -> bool {
    matches!(names(cert), Some((i, s)) if i == s)
}

/// The subject as OpenSSL's `X509_NAME_oneline`: "/C=US/O=Org/CN=host".
pub fn subject_oneline(cert: &[u8]) -> Option<String> {
    let (_, subject) = names(cert)?;
    Some(name_oneline(subject))
}

fn name_oneline(mut name: &[u8]) -> String {
    let mut out = String::new();
    while let Some((_, set, r)) = der(name) {
        name = r;
        let mut set = set;
        while let Some((_, atv, r2)) = der(set) {
            set = r2;
            let Some((_, oid, r3)) = der(atv) else {
                continue;
            };
            let Some((_, value, _)) = der(r3) else {
                continue;
            };
            out.push('/');
            out.push_str(&oid_short(oid));
            out.push('=');
            for &b in value {
                if (0x20..0x7f).contains(&b) {
                    out.push(b as char);
                } else {
                    out.push_str(&format!("\\x{b:02X}"));
                }
            }
        }
    }
    out
}

fn oid_short(oid: &[u8]) -> String {
    match oid {
        [0x55, 0x04, 0x03] => "CN".into(),
        [0x55, 0x04, 0x06] => "C".into(),
        [0x55, 0x04, 0x07] => "L".into(),
        [0x55, 0x04, 0x08] => "ST".into(),
        [0x55, 0x04, 0x0a] => "O".into(),
        [0x55, 0x04, 0x0b] => "OU".into(),
        [0x55, 0x04, 0x05] => "serialNumber".into(),
        [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01] => "emailAddress".into(),
        _ => {
            // Dotted form.
            let mut parts: Vec<String> = Vec::new();
            if let Some((&first, rest)) = oid.split_first() {
                parts.push((first / 40).to_string());
                parts.push((first % 40).to_string());
                let mut v: u64 = 0;
                for &b in rest {
                    v = (v << 7) | (b & 0x7f) as u64;
                    if b & 0x80 == 0 {
                        parts.push(v.to_string());
                        v = 0;
                    }
                }
            }
            parts.join(".")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_guards() {
        assert!(der(&[]).is_none());
        assert!(der(&[0x30, 0x85, 1, 1, 1, 1, 1]).is_none());
        assert!(der(&[0x30, 0x05, 1]).is_none());
        assert!(subject_oneline(&[0x30, 0x03, 0x30, 0x01, 0x00]).is_none());
    }

    #[test]
    fn name_text() {
        // SEQUENCE { SET { SEQ { OID 2.5.4.3, UTF8 "a.b" } } }
        let name = [
            0x31, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x03, b'a', b'.', b'b',
        ];
        assert_eq!(name_oneline(&name), "/CN=a.b");
    }

    #[test]
    fn pem_blocks() {
        let t = b"junk\n-----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----\n";
        assert_eq!(
            pem_certificates(t),
            vec![CertificateDer::from(vec![0u8, 1, 2])]
        );
    }
}
