//! SASL client mechanisms for IMAP, POP3, SMTP and NNTP: LOGIN, PLAIN,
//! CRAM-MD5, EXTERNAL, XOAUTH2 and OAUTHBEARER (GSSAPI is named but
//! refused: it needs the system Kerberos library). A `SaslClient` turns
//! each decoded server challenge into the decoded response; the protocol
//! driver does the base64 and the wire framing.

use std::fmt;

use base64::Engine;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};

/// A SASL mechanism the client side knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mechanism {
    Login,
    Plain,
    CramMd5,
    External,
    XOAuth2,
    OAuthBearer,
    Gssapi,
}

impl Mechanism {
    pub const ALL: [Mechanism; 7] = [
        Mechanism::Login,
        Mechanism::Plain,
        Mechanism::CramMd5,
        Mechanism::External,
        Mechanism::XOAuth2,
        Mechanism::OAuthBearer,
        Mechanism::Gssapi,
    ];

    /// The registered name ("CRAM-MD5").
    pub fn name(self) -> &'static str {
        match self {
            Mechanism::Login => "LOGIN",
            Mechanism::Plain => "PLAIN",
            Mechanism::CramMd5 => "CRAM-MD5",
            Mechanism::External => "EXTERNAL",
            Mechanism::XOAuth2 => "XOAUTH2",
            Mechanism::OAuthBearer => "OAUTHBEARER",
            Mechanism::Gssapi => "GSSAPI",
        }
    }

    /// Looks a name up, ignoring case.
    pub fn from_name(name: &[u8]) -> Option<Mechanism> {
        Mechanism::ALL
            .into_iter()
            .find(|m| m.name().as_bytes().eq_ignore_ascii_case(name))
    }

    /// Whether the client speaks first, so that the first response can go
    /// with the command (SASL-IR, RFC 4959).
    pub fn client_first(self) -> bool {
        matches!(
            self,
            Mechanism::Plain | Mechanism::External | Mechanism::XOAuth2 | Mechanism::OAuthBearer
        )
    }

    /// Whether the mechanism carries the secret in the clear (refused by
    /// `SET_DISABLEPLAINTEXT` on an unencrypted session).
    pub fn plaintext(self) -> bool {
        matches!(self, Mechanism::Login | Mechanism::Plain)
    }

    /// Whether the secret is an OAuth 2.0 access token.
    pub fn is_oauth(self) -> bool {
        matches!(self, Mechanism::XOAuth2 | Mechanism::OAuthBearer)
    }
}

impl fmt::Display for Mechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a mechanism may need.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    /// The user to log in as (authorization identity for PLAIN when
    /// `authuser` is given).
    pub user: String,
    /// The authentication identity (`/authuser=`), empty if none.
    pub authuser: String,
    /// The password, or the OAuth access token.
    pub secret: Vec<u8>,
    /// Server host and port (OAUTHBEARER sends them).
    pub host: String,
    pub port: u16,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("authuser", &self.authuser)
            .field("secret", &"<hidden>")
            .field("host", &self.host)
            .field("port", &self.port)
            .finish()
    }
}

impl Drop for Credentials {
    fn drop(&mut self) {
        for b in self.secret.iter_mut() {
            *b = 0;
        }
    }
}

/// Why a SASL exchange cannot go on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaslError {
    /// The mechanism is not available in this build (GSSAPI).
    Unavailable(Mechanism),
    /// The server's challenge breaks the mechanism's rules.
    Protocol(&'static str),
    /// The exchange is over; the server should have answered.
    Finished,
}

impl fmt::Display for SaslError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SaslError::Unavailable(m) => write!(f, "{m} authentication is not available"),
            SaslError::Protocol(t) => f.write_str(t),
            SaslError::Finished => f.write_str("SASL exchange already finished"),
        }
    }
}

impl std::error::Error for SaslError {}

/// The client end of one SASL exchange.
#[derive(Debug)]
pub struct SaslClient {
    mech: Mechanism,
    creds: Credentials,
    step: u32,
    /// The server sent an error challenge (OAuth): what it said.
    server_error: Option<Vec<u8>>,
}

impl SaslClient {
    pub fn new(mech: Mechanism, creds: Credentials) -> Result<SaslClient, SaslError> {
        if mech == Mechanism::Gssapi {
            return Err(SaslError::Unavailable(mech));
        }
        Ok(SaslClient {
            mech,
            creds,
            step: 0,
            server_error: None,
        })
    }

    pub fn mechanism(&self) -> Mechanism {
        self.mech
    }

    /// The first response to send with the command (SASL-IR), for
    /// client-first mechanisms; None for the others. Counts as the first
    /// step.
    pub fn initial_response(&mut self) -> Option<Vec<u8>> {
        if !self.mech.client_first() || self.step != 0 {
            return None;
        }
        self.step = 1;
        Some(self.first())
    }

    fn first(&self) -> Vec<u8> {
        let c = &self.creds;
        match self.mech {
            Mechanism::Plain => plain_response(&c.user, &c.authuser, &c.secret),
            Mechanism::External => c.user.as_bytes().to_vec(),
            Mechanism::XOAuth2 => xoauth2_response(&c.user, &c.secret),
            Mechanism::OAuthBearer => oauthbearer_response(&c.user, &c.host, c.port, &c.secret),
            _ => Vec::new(),
        }
    }

    /// The response to one decoded server challenge.
    pub fn step(&mut self, challenge: &[u8]) -> Result<Vec<u8>, SaslError> {
        let n = self.step;
        self.step += 1;
        let c = &self.creds;
        match (self.mech, n) {
            (Mechanism::Login, 0) => Ok(c.user.as_bytes().to_vec()),
            (Mechanism::Login, 1) => Ok(c.secret.clone()),
            (Mechanism::CramMd5, 0) => {
                let digest = hmac_md5_hex(challenge, &c.secret);
                let mut r = clip_bytes(c.user.as_bytes(), 65).to_vec();
                r.push(b' ');
                r.extend_from_slice(digest.as_bytes());
                Ok(r)
            }
            (Mechanism::Plain, 0) => {
                if !challenge.is_empty() {
                    return Err(SaslError::Protocol(
                        "Server bug: non-empty initial PLAIN challenge",
                    ));
                }
                Ok(self.first())
            }
            (Mechanism::External, 0) => Ok(self.first()),
            (Mechanism::XOAuth2 | Mechanism::OAuthBearer, 0) => Ok(self.first()),
            (Mechanism::XOAuth2, _) => {
                // An error report (JSON); the client answers empty and the
                // server then fails the command.
                self.server_error = Some(challenge.to_vec());
                Ok(Vec::new())
            }
            (Mechanism::OAuthBearer, _) => {
                self.server_error = Some(challenge.to_vec());
                Ok(vec![0x01])
            }
            _ => Err(SaslError::Finished),
        }
    }

    /// An OAuth server's error report, if it sent one (JSON text).
    pub fn server_error(&self) -> Option<&[u8]> {
        self.server_error.as_deref()
    }
}

fn clip_bytes(b: &[u8], n: usize) -> &[u8] {
    &b[..b.len().min(n)]
}

/// PLAIN (RFC 4616) as the original builds it: with an `authuser`, the
/// user is the authorization identity and `authuser` authenticates;
/// without, the authorization identity is empty.
pub fn plain_response(user: &str, authuser: &str, pwd: &[u8]) -> Vec<u8> {
    let mut r = Vec::new();
    if !authuser.is_empty() {
        r.extend_from_slice(user.as_bytes());
    }
    r.push(0);
    r.extend_from_slice(if authuser.is_empty() { user } else { authuser }.as_bytes());
    r.push(0);
    r.extend_from_slice(pwd);
    r
}

/// XOAUTH2: `user=U^Aauth=Bearer T^A^A`.
pub fn xoauth2_response(user: &str, token: &[u8]) -> Vec<u8> {
    let mut r = b"user=".to_vec();
    r.extend_from_slice(user.as_bytes());
    r.extend_from_slice(b"\x01auth=Bearer ");
    r.extend_from_slice(token);
    r.extend_from_slice(b"\x01\x01");
    r
}

/// OAUTHBEARER (RFC 7628): GS2 header with the user as authorization
/// identity, then host, port and the bearer token.
pub fn oauthbearer_response(user: &str, host: &str, port: u16, token: &[u8]) -> Vec<u8> {
    let mut r = b"n,".to_vec();
    if !user.is_empty() {
        r.extend_from_slice(b"a=");
        // GS2 escaping of ',' and '='.
        for &b in user.as_bytes() {
            match b {
                b',' => r.extend_from_slice(b"=2C"),
                b'=' => r.extend_from_slice(b"=3D"),
                _ => r.push(b),
            }
        }
    }
    r.extend_from_slice(b",\x01");
    if !host.is_empty() {
        r.extend_from_slice(b"host=");
        r.extend_from_slice(host.as_bytes());
        r.push(0x01);
    }
    if port != 0 {
        r.extend_from_slice(format!("port={port}\x01").as_bytes());
    }
    r.extend_from_slice(b"auth=Bearer ");
    r.extend_from_slice(token);
    r.extend_from_slice(b"\x01\x01");
    r
}

/// HMAC-MD5 (RFC 2104) of `text` under `key`.
pub fn hmac_md5(text: &[u8], key: &[u8]) -> [u8; 16] {
    let mut mac = <Hmac<Md5> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(text);
    mac.finalize().into_bytes().into()
}

/// HMAC-MD5 in lower-case hex, as CRAM-MD5 sends it.
pub fn hmac_md5_hex(text: &[u8], key: &[u8]) -> String {
    hex(&hmac_md5(text, key))
}

/// MD5 of `data`.
pub fn md5(data: &[u8]) -> [u8; 16] {
    Md5::digest(data).into()
}

pub fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        s.push_str(&format!("{x:02x}"));
    }
    s
}

/// Base64 for the wire.
pub fn encode64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// Decodes a server challenge: whitespace ignored, padding optional.
/// None when it is not base64.
pub fn decode64(text: &[u8]) -> Option<Vec<u8>> {
    let clean: Vec<u8> = text
        .iter()
        .copied()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let clean: &[u8] = {
        let mut end = clean.len();
        while end > 0 && clean[end - 1] == b'=' {
            end -= 1;
        }
        &clean[..end]
    };
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(clean)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(user: &str, authuser: &str, pwd: &str) -> Credentials {
        Credentials {
            user: user.into(),
            authuser: authuser.into(),
            secret: pwd.as_bytes().to_vec(),
            host: "imap.example.com".into(),
            port: 993,
        }
    }

    #[test]
    fn cram_md5_rfc2195() {
        // The example of RFC 2195.
        let mut c =
            SaslClient::new(Mechanism::CramMd5, creds("tim", "", "tanstaaftanstaaf")).unwrap();
        let r = c
            .step(b"<1896.697170952@postoffice.reston.mci.net>")
            .unwrap();
        assert_eq!(r, b"tim b913a602c7eda7a495b4e6e7334d3890");
        assert!(c.step(b"").is_err());
    }

    #[test]
    fn plain_and_login() {
        assert_eq!(plain_response("alice", "", b"pw"), b"\0alice\0pw");
        assert_eq!(plain_response("alice", "admin", b"pw"), b"alice\0admin\0pw");
        let mut c = SaslClient::new(Mechanism::Login, creds("u", "", "p")).unwrap();
        assert_eq!(c.initial_response(), None);
        assert_eq!(c.step(b"Username:").unwrap(), b"u");
        assert_eq!(c.step(b"Password:").unwrap(), b"p");
        let mut c = SaslClient::new(Mechanism::Plain, creds("u", "", "p")).unwrap();
        assert!(c.step(b"x").is_err());
    }

    #[test]
    fn oauth() {
        let mut c = SaslClient::new(Mechanism::XOAuth2, creds("a@b", "", "tok")).unwrap();
        assert_eq!(
            c.initial_response().unwrap(),
            b"user=a@b\x01auth=Bearer tok\x01\x01"
        );
        assert_eq!(c.step(b"{\"status\":\"401\"}").unwrap(), b"");
        assert_eq!(c.server_error().unwrap(), b"{\"status\":\"401\"}");
        let mut c = SaslClient::new(Mechanism::OAuthBearer, creds("a,b", "", "tok")).unwrap();
        assert_eq!(
            c.step(b"").unwrap(),
            b"n,a=a=2Cb,\x01host=imap.example.com\x01port=993\x01auth=Bearer tok\x01\x01"
        );
        assert_eq!(c.step(b"{}").unwrap(), b"\x01");
    }

    #[test]
    fn gssapi_refused() {
        assert_eq!(
            SaslClient::new(Mechanism::Gssapi, creds("u", "", "p")).unwrap_err(),
            SaslError::Unavailable(Mechanism::Gssapi)
        );
        assert_eq!(Mechanism::from_name(b"cram-md5"), Some(Mechanism::CramMd5));
        assert_eq!(Mechanism::from_name(b"SCRAM"), None);
    }

    #[test]
    fn base64_round() {
        assert_eq!(decode64(b"dGlt\r\n"), Some(b"tim".to_vec()));
        assert_eq!(decode64(b"YQ=="), Some(b"a".to_vec()));
        assert_eq!(decode64(b"YQ"), Some(b"a".to_vec()));
        assert_eq!(decode64(b"*"), None);
        assert_eq!(encode64(b"a"), "YQ==");
    }
}
