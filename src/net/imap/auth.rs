//! IMAP AUTHENTICATE as the original's client runs it: which mechanisms,
//! in what order, how many tries each, and the messages between them
//! ("Retrying using ...", "Retrying ...", "IMAP Authentication cancelled",
//! "Can not authenticate to IMAP server: ..."). What needs the C side (the
//! application's `mm_login`, an authenticator object's client half, the
//! session's callbacks) is behind [`Peer`]; the adapter implements it.
//!
//! It differs from the POP3/SMTP/NNTP loop of [`crate::net::sasl_loop`]
//! (whose message helpers it uses) where the original's IMAP client does:
//! a cancelled exchange ends the whole login at once, the built-in
//! mechanisms ask for the password before the command goes out (an empty
//! one cancels with `*` after the server's go-ahead), EXTERNAL is tried
//! once, and PLAIN warns when the connection is not encrypted.

use crate::net::sasl::{Credentials, Mechanism};
use crate::net::sasl_loop::{retrying_text, Level};

/// How an exchange run by an authenticator object (GSSAPI) ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Authenticated.
    Ok,
    /// The program cancelled (the client left the trial count at 0).
    Cancelled,
    /// Refused, or cancelled by the protocol: the server's text.
    Failed(Vec<u8>),
    /// The command could not be sent.
    Unsent,
}

/// What the loop needs of the session and the application.
pub trait Peer {
    fn log(&mut self, text: &[u8], level: Level);
    /// The connection can take another try (not broken, no BYE, no
    /// referral).
    fn alive(&self) -> bool;
    /// The connection is gone.
    fn dead(&self) -> bool;
    /// The last exchange was cancelled by a `*` line.
    fn cancelled(&self) -> bool;
    fn clear_cancel(&mut self);
    /// The application's user name and password for try `trial`
    /// (`mm_login`).
    fn login(&mut self, trial: u64) -> (Vec<u8>, Vec<u8>);
    /// The user name of the mailbox name (`/user=`).
    fn mailbox_user(&self) -> Vec<u8>;
    /// AUTHENTICATE through the authenticator object (GSSAPI); `trial`
    /// as its client half leaves it; on success the user name it logged
    /// in as is recorded.
    fn object_client(&mut self, trial: &mut u64) -> Step;
    /// AUTHENTICATE `m` with the built-in client; Err: the server's text,
    /// or None when no client could be made for these credentials (the
    /// mechanism is then given up).
    fn exchange(&mut self, m: Mechanism, creds: Credentials) -> Result<(), Option<Vec<u8>>>;
    /// AUTHENTICATE `m` cancelled with `*` at the first challenge; whether
    /// the server still said OK.
    fn cancel(&mut self, m: Mechanism) -> bool;
    /// Logged in as `user`.
    fn logged_in(&mut self, user: Vec<u8>);
}

/// An authenticator of the library's list, in its order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registered {
    pub name: Vec<u8>,
    /// Allowed for this connection (`mail_lookup_auth_name` with the
    /// connection's flags).
    pub usable: bool,
    /// Its object has a client half (GSSAPI: the system's Kerberos
    /// library was found).
    pub has_client: bool,
}

/// The login's parameters.
#[derive(Clone, Debug)]
pub struct Login<'a> {
    /// The server's capabilities (the `AUTH=` ones count).
    pub capabilities: &'a [Vec<u8>],
    pub registered: &'a [Registered],
    /// `/auth=MECHANISM` (ours): that one only.
    pub forced: Option<Mechanism>,
    /// The connection is encrypted (`/ssl` or STARTTLS).
    pub secured: bool,
    /// `SET_MAXLOGINTRIALS`, at least 1.
    pub maxtrials: u64,
    pub authuser: Vec<u8>,
    pub host: Vec<u8>,
    pub port: u16,
}

fn offered(caps: &[Vec<u8>], n: &[u8]) -> bool {
    caps.iter().any(|c| {
        c.len() > 5 && c[..5].eq_ignore_ascii_case(b"AUTH=") && c[5..].eq_ignore_ascii_case(n)
    })
}

/// The mechanisms to try, in order: the registered authenticators the
/// server offers and the connection allows (the original never offers
/// LOGIN when PLAIN is there too), or the forced one. Err: the message
/// when the forced one is not offered.
pub fn mechanisms(o: &Login) -> Result<Vec<Mechanism>, Vec<u8>> {
    let mut mechs = Vec::new();
    for r in o.registered.iter().take(32) {
        if !r.usable || !offered(o.capabilities, &r.name) {
            continue;
        }
        if let Some(m) = Mechanism::from_name(&r.name) {
            if m == Mechanism::Gssapi && !r.has_client {
                continue;
            }
            mechs.push(m);
        }
    }
    if mechs.contains(&Mechanism::Plain) {
        mechs.retain(|&m| m != Mechanism::Login);
    }
    if let Some(m) = o.forced {
        if !offered(o.capabilities, m.name().as_bytes()) {
            return Err(format!("IMAP server does not offer AUTH={}", m.name()).into_bytes());
        }
        mechs = vec![m];
    }
    Ok(mechs)
}

/// Logs in with SASL: None when no mechanism applies (the caller then
/// uses LOGIN), else whether it worked.
pub fn authenticate(p: &mut dyn Peer, o: &Login) -> Option<bool> {
    let mechs = match mechanisms(o) {
        Ok(m) => m,
        Err(e) => {
            p.log(&e, Level::Error);
            return Some(false);
        }
    };
    if mechs.is_empty() {
        return None;
    }
    let mut lsterr: Option<Vec<u8>> = None;
    for m in mechs {
        let name = m.name().as_bytes();
        if let Some(e) = lsterr.take() {
            p.log(&retrying_text(b"Retrying using ", name, &e), Level::Info);
        }
        if m == Mechanism::Gssapi {
            let mut trial = 0u64;
            loop {
                if let Some(e) = lsterr.take() {
                    p.log(&retrying_text(b"Retrying ", name, &e), Level::Warn);
                }
                match p.object_client(&mut trial) {
                    Step::Ok => return Some(true),
                    Step::Cancelled => {
                        p.log(b"IMAP Authentication cancelled", Level::Error);
                        return Some(false);
                    }
                    Step::Failed(t) => lsterr = Some(t),
                    Step::Unsent => trial = 0,
                }
                if !p.alive() || trial == 0 || trial >= o.maxtrials {
                    break;
                }
            }
            if p.dead() {
                break;
            }
            continue;
        }
        let mut trial = 0u64;
        loop {
            if let Some(e) = lsterr.take() {
                p.log(&retrying_text(b"Retrying ", name, &e), Level::Warn);
            }
            if m == Mechanism::Plain && !o.secured {
                p.log(
                    b"SECURITY PROBLEM: insecure server advertised AUTH=PLAIN",
                    Level::Warn,
                );
            }
            p.clear_cancel();
            let (user, pass) = if m == Mechanism::External {
                (p.mailbox_user(), Vec::new())
            } else {
                p.login(trial)
            };
            trial += 1;
            if pass.is_empty() && m != Mechanism::External {
                // As the original: the exchange is cancelled with "*", the
                // server's answer reported, then the cancellation.
                if p.cancel(m) {
                    return Some(true);
                }
                p.log(b"IMAP Authentication cancelled", Level::Error);
                return Some(false);
            }
            let creds = Credentials {
                user: String::from_utf8_lossy(&user).into_owned(),
                authuser: String::from_utf8_lossy(&o.authuser).into_owned(),
                secret: pass,
                host: String::from_utf8_lossy(&o.host).into_owned(),
                port: o.port,
            };
            match p.exchange(m, creds) {
                Ok(()) => {
                    p.logged_in(user);
                    return Some(true);
                }
                Err(Some(t)) => lsterr = Some(t),
                Err(None) => break,
            }
            // EXTERNAL is never retried (the original's client half sets
            // its trial count past any maximum).
            if !p.alive() || trial >= o.maxtrials || m == Mechanism::External {
                break;
            }
        }
        if p.dead() {
            break;
        }
    }
    if let Some(e) = lsterr.filter(|_| !p.cancelled()) {
        let mut t = b"Can not authenticate to IMAP server: ".to_vec();
        t.extend_from_slice(&e[..e.len().min(80)]);
        p.log(&t, Level::Error);
    }
    Some(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scripted server: each exchange takes the next answer; the
    /// transcript records the log and the exchanges.
    #[derive(Default)]
    struct Script {
        answers: Vec<Result<(), Vec<u8>>>,
        passwords: Vec<Vec<u8>>,
        log: Vec<String>,
        cancelled: bool,
        dead: bool,
    }

    impl Peer for Script {
        fn log(&mut self, text: &[u8], level: Level) {
            self.log
                .push(format!("{level:?} {}", String::from_utf8_lossy(text)));
        }
        fn alive(&self) -> bool {
            !self.dead
        }
        fn dead(&self) -> bool {
            self.dead
        }
        fn cancelled(&self) -> bool {
            self.cancelled
        }
        fn clear_cancel(&mut self) {
            self.cancelled = false;
        }
        fn login(&mut self, trial: u64) -> (Vec<u8>, Vec<u8>) {
            self.log.push(format!("mm_login {trial}"));
            let p = if self.passwords.is_empty() {
                Vec::new()
            } else {
                self.passwords.remove(0)
            };
            (b"u".to_vec(), p)
        }
        fn mailbox_user(&self) -> Vec<u8> {
            b"mbu".to_vec()
        }
        fn object_client(&mut self, _trial: &mut u64) -> Step {
            Step::Unsent
        }
        fn exchange(&mut self, m: Mechanism, c: Credentials) -> Result<(), Option<Vec<u8>>> {
            self.log
                .push(format!("AUTHENTICATE {} as {}", m.name(), c.user));
            self.answers.remove(0).map_err(Some)
        }
        fn cancel(&mut self, m: Mechanism) -> bool {
            self.log.push(format!("AUTHENTICATE {} *", m.name()));
            self.cancelled = true;
            false
        }
        fn logged_in(&mut self, user: Vec<u8>) {
            self.log
                .push(format!("user {}", String::from_utf8_lossy(&user)));
        }
    }

    fn reg(names: &[&str]) -> Vec<Registered> {
        names
            .iter()
            .map(|n| Registered {
                name: n.as_bytes().to_vec(),
                usable: true,
                has_client: false,
            })
            .collect()
    }

    fn login<'a>(caps: &'a [Vec<u8>], r: &'a [Registered], max: u64) -> Login<'a> {
        Login {
            capabilities: caps,
            registered: r,
            forced: None,
            secured: false,
            maxtrials: max,
            authuser: Vec::new(),
            host: b"h".to_vec(),
            port: 143,
        }
    }

    #[test]
    fn order_and_login_dropped_for_plain() {
        let caps = vec![
            b"AUTH=LOGIN".to_vec(),
            b"AUTH=PLAIN".to_vec(),
            b"AUTH=CRAM-MD5".to_vec(),
        ];
        let r = reg(&["GSSAPI", "CRAM-MD5", "PLAIN", "LOGIN"]);
        let m = mechanisms(&login(&caps, &r, 3)).unwrap();
        assert_eq!(m, vec![Mechanism::CramMd5, Mechanism::Plain]);
        let mut forced = login(&caps, &r, 3);
        forced.forced = Some(Mechanism::XOAuth2);
        assert_eq!(
            mechanisms(&forced).unwrap_err(),
            b"IMAP server does not offer AUTH=XOAUTH2".to_vec()
        );
    }

    #[test]
    fn retries_then_next_mechanism_then_gives_up() {
        let caps = vec![b"AUTH=CRAM-MD5".to_vec(), b"AUTH=PLAIN".to_vec()];
        let r = reg(&["CRAM-MD5", "PLAIN"]);
        let mut s = Script {
            answers: (1..=4)
                .map(|i| Err(format!("bad {i}").into_bytes()))
                .collect(),
            passwords: vec![b"a".to_vec(); 4],
            ..Default::default()
        };
        assert_eq!(authenticate(&mut s, &login(&caps, &r, 2)), Some(false));
        assert_eq!(
            s.log,
            [
                "mm_login 0",
                "AUTHENTICATE CRAM-MD5 as u",
                "Warn Retrying CRAM-MD5 authentication after bad 1",
                "mm_login 1",
                "AUTHENTICATE CRAM-MD5 as u",
                "Info Retrying using PLAIN authentication after bad 2",
                "Warn SECURITY PROBLEM: insecure server advertised AUTH=PLAIN",
                "mm_login 0",
                "AUTHENTICATE PLAIN as u",
                "Warn Retrying PLAIN authentication after bad 3",
                "Warn SECURITY PROBLEM: insecure server advertised AUTH=PLAIN",
                "mm_login 1",
                "AUTHENTICATE PLAIN as u",
                "Error Can not authenticate to IMAP server: bad 4",
            ]
        );
    }

    #[test]
    fn empty_password_cancels_everything() {
        let caps = vec![b"AUTH=CRAM-MD5".to_vec(), b"AUTH=PLAIN".to_vec()];
        let r = reg(&["CRAM-MD5", "PLAIN"]);
        let mut s = Script::default();
        assert_eq!(authenticate(&mut s, &login(&caps, &r, 3)), Some(false));
        assert_eq!(
            s.log,
            [
                "mm_login 0",
                "AUTHENTICATE CRAM-MD5 *",
                "Error IMAP Authentication cancelled"
            ]
        );
    }

    #[test]
    fn none_offered_means_login_command() {
        let caps = vec![b"IMAP4rev1".to_vec()];
        let r = reg(&["PLAIN"]);
        let mut s = Script::default();
        assert_eq!(authenticate(&mut s, &login(&caps, &r, 3)), None);
        assert!(s.log.is_empty());
    }

    #[test]
    fn success_records_the_user() {
        let caps = vec![b"AUTH=EXTERNAL".to_vec()];
        let r = reg(&["EXTERNAL"]);
        let mut s = Script {
            answers: vec![Ok(())],
            ..Default::default()
        };
        assert_eq!(authenticate(&mut s, &login(&caps, &r, 3)), Some(true));
        assert_eq!(s.log, ["AUTHENTICATE EXTERNAL as mbu", "user mbu"]);
    }
}
