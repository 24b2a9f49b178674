//! Server halves of the SASL mechanisms and APOP, and the CRAM-MD5 password
//! file. The exchanges with the client are the C layer's (through the
//! server's responder); what to make of the answers is decided here.

use std::os::unix::fs::PermissionsExt;
use std::sync::atomic::{AtomicI32, Ordering};

use md5::{Digest, Md5};

use super::login::{same, sasl_secret::Secret};

/// The prompts of the LOGIN mechanism (sent with their NUL, as the
/// original sends `sizeof` of its strings).
pub const LOGIN_USER_PROMPT: &[u8] = b"User Name\0";
pub const LOGIN_PASSWORD_PROMPT: &[u8] = b"Password\0";

/// Splits a LOGIN (or CRAM-MD5) user name "user*admin" into the user and
/// the authentication (administrator) name.
pub fn split_admin(name: &[u8]) -> (&[u8], Option<&[u8]>) {
    match name.iter().position(|&c| c == b'*') {
        Some(i) => (&name[..i], Some(&name[i + 1..])),
        None => (name, None),
    }
}

/// The three parts of a PLAIN response "authzid NUL authcid NUL passwd":
/// (authorization id, authentication id, password). The password must be
/// non-empty and hold no NUL, and nothing may follow it.
pub fn parse_plain(resp: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let mut parts = resp.splitn(3, |&c| c == 0);
    let aid = parts.next()?;
    let user = parts.next()?;
    let pass = parts.next()?;
    if pass.is_empty() || pass.contains(&0) {
        return None;
    }
    Some((aid, user, pass))
}

/// Who logs in, as whom, after a PLAIN exchange: a non-empty
/// authorization id is the user and the authentication id the
/// administrator acting for it.
pub fn plain_login_names<'a>(aid: &'a [u8], user: &'a [u8]) -> (&'a [u8], Option<&'a [u8]>) {
    if aid.is_empty() {
        (user, None)
    } else {
        (aid, Some(user))
    }
}

/// The CRAM-MD5 challenge "<pid.time@host>".
pub fn cram_challenge(pid: u32, time: i64, host: &[u8]) -> Vec<u8> {
    let mut c = format!("<{pid}.{time}@").into_bytes();
    c.extend_from_slice(host);
    c.push(b'>');
    c
}

/// Attempts left for CRAM-MD5 and APOP in this process (MAXLOGINTRIALS).
static MD5_TRIES: AtomicI32 = AtomicI32::new(3);

/// Whether CRAM-MD5/APOP attempts remain.
pub fn md5_tries_left() -> bool {
    MD5_TRIES.load(Ordering::Relaxed) > 0
}

/// Spends one CRAM-MD5/APOP attempt.
pub fn spend_md5_try() {
    let _ = MD5_TRIES.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |t| {
        (t > 0).then_some(t - 1)
    });
}

/// A parsed CRAM-MD5 response: user, administrator, hex digest.
pub struct CramResponse<'a> {
    pub user: &'a [u8],
    pub authuser: Option<&'a [u8]>,
    pub digest: &'a [u8],
}

/// Splits "user[*admin] digest" at the last space.
pub fn parse_cram(resp: &[u8]) -> Option<CramResponse<'_>> {
    let sp = resp.iter().rposition(|&c| c == b' ')?;
    let (user, authuser) = split_admin(&resp[..sp]);
    Some(CramResponse {
        user,
        authuser,
        digest: &resp[sp + 1..],
    })
}

/// The name whose CRAM-MD5 password is checked: the administrator's when
/// one is named, else the user's.
pub fn secret_owner<'a>(user: &'a [u8], authuser: Option<&'a [u8]>) -> &'a [u8] {
    match authuser {
        Some(a) if !a.is_empty() => a,
        _ => user,
    }
}

/// Whether `digest` is HMAC-MD5(challenge) keyed with `secret` (hex,
/// compared in constant time).
pub fn cram_ok(challenge: &[u8], secret: &[u8], digest: &[u8]) -> bool {
    let want = crate::net::sasl::hmac_md5_hex(challenge, secret);
    same(want.as_bytes(), digest)
}

/// Whether `digest` is the APOP digest MD5(challenge + secret) in hex
/// (each part cut at 128 bytes, as the original does).
pub fn apop_ok(challenge: &[u8], secret: &[u8], digest: &[u8]) -> bool {
    let mut h = Md5::new();
    h.update(&challenge[..challenge.len().min(128)]);
    h.update(&secret[..secret.len().min(128)]);
    let want: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    same(want.as_bytes(), digest)
}

/// Why the CRAM-MD5 password file gave no password.
#[derive(Debug, PartialEq, Eq)]
pub enum PwdFileError {
    Missing,
    /// Readable by everyone: refused (the FAQ's warning made a rule).
    WorldReadable,
    NoEntry,
}

/// The password of `user` in the CRAM-MD5 file `path` ("user TAB password"
/// lines, `#` comments): an exact name first, else its lower-case form.
pub fn md5_password(path: &str, user: &[u8]) -> Result<Secret, PwdFileError> {
    let meta = std::fs::metadata(path).map_err(|_| PwdFileError::Missing)?;
    if meta.permissions().mode() & 0o004 != 0 {
        return Err(PwdFileError::WorldReadable);
    }
    let data = Secret(std::fs::read(path).map_err(|_| PwdFileError::Missing)?);
    lookup_md5_password(&data.0, user).ok_or(PwdFileError::NoEntry)
}

/// [`md5_password`] on the file's contents.
pub fn lookup_md5_password(data: &[u8], user: &[u8]) -> Option<Secret> {
    let lower = user
        .iter()
        .any(|c| c.is_ascii_uppercase())
        .then(|| user.to_ascii_lowercase());
    let mut folded: Option<&[u8]> = None;
    for line in data.split(|&c| c == b'\r' || c == b'\n') {
        if line.is_empty() || line[0] == b'#' {
            continue;
        }
        let Some(tab) = line.iter().position(|&c| c == b'\t') else {
            continue;
        };
        let (name, pwd) = (&line[..tab], &line[tab + 1..]);
        if pwd.is_empty() {
            continue;
        }
        if name == user {
            return Some(Secret(pwd.to_vec()));
        }
        if folded.is_none() && lower.as_deref() == Some(name) {
            folded = Some(pwd);
        }
    }
    folded.map(|p| Secret(p.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_parts() {
        assert_eq!(
            parse_plain(b"\0fred\0secret"),
            Some((&b""[..], &b"fred"[..], &b"secret"[..]))
        );
        assert_eq!(
            parse_plain(b"boss\0fred\0pw"),
            Some((&b"boss"[..], &b"fred"[..], &b"pw"[..]))
        );
        assert_eq!(parse_plain(b"\0fred\0"), None);
        assert_eq!(parse_plain(b"\0fred"), None);
        assert_eq!(parse_plain(b"\0fred\0a\0b"), None);
        assert_eq!(parse_plain(b""), None);
        assert_eq!(plain_login_names(b"", b"fred"), (&b"fred"[..], None));
        assert_eq!(
            plain_login_names(b"boss", b"fred"),
            (&b"boss"[..], Some(&b"fred"[..]))
        );
    }

    #[test]
    fn cram_and_apop() {
        // RFC 2195's example.
        let chal = b"<1896.697170952@postoffice.reston.mci.net>";
        let r = parse_cram(b"tim b913a602c7eda7a495b4e6e7334d3890").unwrap();
        assert_eq!(r.user, b"tim");
        assert!(r.authuser.is_none());
        assert!(cram_ok(chal, b"tanstaaftanstaaf", r.digest));
        assert!(!cram_ok(chal, b"tanstaaftanstaaX", r.digest));
        // RFC 1939's example.
        assert!(apop_ok(
            b"<1896.697170952@dbc.mtview.ca.us>",
            b"tanstaaf",
            b"c4c9334bac560ecc979e58001b3e22fb"
        ));
        assert!(!apop_ok(
            b"<1@x>",
            b"tanstaaf",
            b"c4c9334bac560ecc979e58001b3e22fb"
        ));
        let r = parse_cram(b"fred*boss 00").unwrap();
        assert_eq!((r.user, r.authuser), (&b"fred"[..], Some(&b"boss"[..])));
        assert_eq!(secret_owner(r.user, r.authuser), b"boss");
        assert!(parse_cram(b"nospace").is_none());
        assert_eq!(cram_challenge(12, 34, b"h.example"), b"<12.34@h.example>");
    }

    #[test]
    fn password_file() {
        let data = b"# comment\nfred\tpw1\r\nbob\t\nBob\tupper\nbob2\tx\tab\n";
        assert_eq!(lookup_md5_password(data, b"fred").unwrap().0, b"pw1");
        assert_eq!(lookup_md5_password(data, b"FRED").unwrap().0, b"pw1");
        assert!(lookup_md5_password(data, b"bob").is_none());
        assert_eq!(lookup_md5_password(data, b"Bob").unwrap().0, b"upper");
        assert_eq!(lookup_md5_password(data, b"bob2").unwrap().0, b"x\tab");
        assert!(lookup_md5_password(data, b"nobody").is_none());
        let dir = std::env::temp_dir().join(format!("server-md5-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("pwd");
        std::fs::write(&f, b"fred\tpw\n").unwrap();
        let p = f.to_str().unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(md5_password(p, b"fred").unwrap().0, b"pw");
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(
            md5_password(p, b"fred").err(),
            Some(PwdFileError::WorldReadable)
        );
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            md5_password("/nonexistent/x", b"fred").err(),
            Some(PwdFileError::Missing)
        );
    }
}

#[cfg(test)]
mod robustness {
    use super::*;

    /// The fuzz target's body over pseudo-random inputs (the fuzz build is
    /// long; this keeps the same paths in `cargo test`).
    #[test]
    fn random_client_input_never_panics() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for round in 0..20_000 {
            let len = round % 97;
            let data: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    // Mostly the bytes the parsers care about.
                    *[0u8, b' ', b'*', b'\t', b'\n', b'\r', b'#', b'a', b'f']
                        .get((x % 12) as usize)
                        .unwrap_or(&(x as u8))
                })
                .collect();
            if let Some((aid, user, pass)) = parse_plain(&data) {
                assert!(!pass.is_empty() && !pass.contains(&0));
                let _ = plain_login_names(aid, user);
            }
            if let Some(r) = parse_cram(&data) {
                let _ = secret_owner(r.user, r.authuser);
                assert!(!cram_ok(b"<1.2@h>", b"secret", r.digest));
            }
            assert!(!apop_ok(b"<1.2@h>", b"secret", &data));
            let _ = split_admin(&data);
            let _ = lookup_md5_password(&data, b"fred");
        }
    }
}
