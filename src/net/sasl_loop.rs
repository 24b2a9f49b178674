//! The client side of SASL authentication as the library's protocols run
//! it over their authenticators: which mechanism next, how many tries each,
//! the "Retrying" and "Authentication cancelled" messages, and the cancel
//! line. The adapter only starts each authenticator's client function;
//! every decision is here.

/// An authenticator of the library, as the loop sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authenticator {
    pub name: Vec<u8>,
    /// It sends no secret in the clear (`AU_SECURE`).
    pub secure: bool,
    /// The adapter's handle on it.
    pub id: usize,
}

/// How loud a message of the loop is (`mm_log`'s NIL, WARN, ERROR).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

/// What the loop needs of a protocol session.
pub trait Exchange {
    /// The connection is still there.
    fn connected(&self) -> bool;
    /// Sends the command that starts `at`'s exchange ("AUTH name"); true
    /// when the server answered that it waits for the exchange.
    fn begin(&mut self, at: &Authenticator) -> bool;
    /// Runs `at`'s client function (`trial` counts its tries, 0 when it
    /// gave up); true when the client went through to the server's
    /// final answer.
    fn client(&mut self, at: &Authenticator, trial: &mut u64) -> bool;
    /// What the server's last reply said of the login: authenticated,
    /// refused, or None when there was no reply to judge.
    fn outcome(&self) -> Option<bool>;
    /// The last reply's text.
    fn reply(&self) -> Vec<u8>;
    /// Telemetry hides the lines sent while on (a secret in the clear).
    fn set_sensitive(&mut self, on: bool);
    /// Forgets that a response was the cancel line.
    fn clear_cancel(&mut self);
    fn log(&mut self, text: &[u8], level: Level);
}

/// The loop's parameters.
#[derive(Clone, Copy, Debug)]
pub struct Options<'a> {
    /// "SMTP", "NNTP", "POP3": the cancellation message's protocol.
    pub label: &'a str,
    /// `SET_MAXLOGINTRIALS`: tries of each authenticator.
    pub maxtrials: u64,
}

/// How the loop ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub ok: bool,
    /// The last failure's reply text; the caller reports it, its wording
    /// being per protocol.
    pub error: Option<Vec<u8>>,
}

/// "`prefix``name` authentication after `e`" (at most 80 bytes of it):
/// the message before another try, every protocol's (IMAP's too).
pub fn retrying_text(prefix: &[u8], name: &[u8], e: &[u8]) -> Vec<u8> {
    let mut m = prefix.to_vec();
    m.extend_from_slice(name);
    m.extend_from_slice(b" authentication after ");
    m.extend_from_slice(&e[..e.len().min(80)]);
    m
}

fn retrying(x: &mut dyn Exchange, prefix: &[u8], name: &[u8], e: &[u8], level: Level) {
    x.log(&retrying_text(prefix, name, e), level);
}

/// Each authenticator of `ats` in turn, each tried up to the maximum
/// number of trials (a client that gives up, trial 0, is not retried),
/// until one succeeds or the connection goes.
pub fn run(x: &mut dyn Exchange, ats: &[Authenticator], o: Options) -> Outcome {
    let mut error: Option<Vec<u8>> = None;
    let mut ok = false;
    x.clear_cancel();
    for at in ats {
        if ok || !x.connected() {
            break;
        }
        if let Some(e) = error.take() {
            retrying(x, b"Retrying using ", &at.name, &e, Level::Info);
        }
        let mut trial = 0u64;
        loop {
            if let Some(e) = error.take() {
                retrying(x, b"Retrying ", &at.name, &e, Level::Warn);
            }
            x.clear_cancel();
            if x.begin(at) {
                if !at.secure {
                    x.set_sensitive(true);
                }
                if x.client(at, &mut trial) {
                    match x.outcome() {
                        Some(true) => ok = true,
                        Some(false) if trial == 0 => {
                            let m = format!("{} Authentication cancelled", o.label);
                            x.log(m.as_bytes(), Level::Error);
                        }
                        _ => {}
                    }
                }
                x.set_sensitive(false);
            }
            if !ok && trial != 0 {
                error = Some(x.reply());
            }
            if ok || !x.connected() || trial == 0 || trial >= o.maxtrials {
                break;
            }
        }
    }
    Outcome { ok, error }
}

/// The line that carries a client's response: "*" (cancel) for none,
/// else the bytes in base64 (an empty line for an empty response).
pub fn response_line(response: Option<&[u8]>) -> Vec<u8> {
    match response {
        None => b"*".to_vec(),
        Some(r) => super::sasl::encode64(r).into_bytes(),
    }
}

/// The message for a challenge that is not base64: "<PROTOCOL> SERVER BUG
/// (invalid challenge): " and at most 80 bytes of it, up to a NUL.
pub fn invalid_challenge(protocol: &[u8], text: &[u8]) -> Vec<u8> {
    let mut m = [protocol, b" SERVER BUG (invalid challenge): "].concat();
    m.extend(text.iter().take(80).take_while(|&&c| c != 0));
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scripted server: each `begin` and each client run takes the next
    /// step of the script; the transcript records what went on the wire
    /// and what was logged.
    struct Script {
        /// Per `begin`: the server is ready for the exchange.
        ready: Vec<bool>,
        /// Per client run: Some(trial after it, authenticated), None when
        /// the client cancels (trial 0, then sends "*").
        runs: Vec<Option<(u64, bool)>>,
        authed: bool,
        reply: Vec<u8>,
        sensitive: bool,
        cancelled: bool,
        drop_after: Option<usize>,
        sent: Vec<String>,
        logged: Vec<(String, Level)>,
    }

    impl Script {
        fn new(ready: &[bool], runs: &[Option<(u64, bool)>]) -> Script {
            Script {
                ready: ready.to_vec(),
                runs: runs.to_vec(),
                authed: false,
                reply: Vec::new(),
                sensitive: false,
                cancelled: false,
                drop_after: None,
                sent: Vec::new(),
                logged: Vec::new(),
            }
        }
    }

    impl Exchange for Script {
        fn connected(&self) -> bool {
            self.drop_after.is_none_or(|n| self.sent.len() < n)
        }
        fn begin(&mut self, at: &Authenticator) -> bool {
            self.sent
                .push(format!("AUTH {}", String::from_utf8_lossy(&at.name)));
            let r = self.ready.remove(0);
            if !r {
                self.reply = b"504 unknown mechanism".to_vec();
            }
            r
        }
        fn client(&mut self, at: &Authenticator, trial: &mut u64) -> bool {
            assert_eq!(self.sensitive, !at.secure);
            match self.runs.remove(0) {
                Some((t, ok)) => {
                    *trial = t;
                    self.sent.push("response".into());
                    self.authed = ok;
                    self.reply = if ok {
                        b"235 ok".to_vec()
                    } else {
                        format!("535 bad try {t}").into_bytes()
                    };
                }
                None => {
                    *trial = 0;
                    self.sent
                        .push(String::from_utf8(response_line(None)).unwrap());
                    self.cancelled = true;
                    self.authed = false;
                    self.reply = b"501 cancelled".to_vec();
                }
            }
            true
        }
        fn outcome(&self) -> Option<bool> {
            Some(self.authed)
        }
        fn reply(&self) -> Vec<u8> {
            self.reply.clone()
        }
        fn set_sensitive(&mut self, on: bool) {
            self.sensitive = on;
        }
        fn clear_cancel(&mut self) {
            self.cancelled = false;
        }
        fn log(&mut self, text: &[u8], level: Level) {
            self.logged
                .push((String::from_utf8_lossy(text).into_owned(), level));
        }
    }

    fn at(name: &str, secure: bool) -> Authenticator {
        Authenticator {
            name: name.as_bytes().to_vec(),
            secure,
            id: 0,
        }
    }

    const O: Options = Options {
        label: "SMTP",
        maxtrials: 3,
    };

    #[test]
    fn first_mechanism_succeeds() {
        let mut s = Script::new(&[true], &[Some((1, true))]);
        let r = run(&mut s, &[at("CRAM-MD5", true), at("PLAIN", false)], O);
        assert_eq!(
            r,
            Outcome {
                ok: true,
                error: None
            }
        );
        assert_eq!(s.sent, ["AUTH CRAM-MD5", "response"]);
        assert!(s.logged.is_empty());
        assert!(!s.sensitive);
    }

    #[test]
    fn retries_up_to_the_limit_then_next_mechanism() {
        let mut s = Script::new(
            &[true, true, true, true],
            &[
                Some((1, false)),
                Some((2, false)),
                Some((3, false)),
                Some((1, true)),
            ],
        );
        let r = run(&mut s, &[at("CRAM-MD5", true), at("PLAIN", false)], O);
        assert!(r.ok);
        assert_eq!(r.error, None);
        assert_eq!(
            s.sent,
            [
                "AUTH CRAM-MD5",
                "response",
                "AUTH CRAM-MD5",
                "response",
                "AUTH CRAM-MD5",
                "response",
                "AUTH PLAIN",
                "response"
            ]
        );
        assert_eq!(
            s.logged,
            [
                (
                    "Retrying CRAM-MD5 authentication after 535 bad try 1".into(),
                    Level::Warn
                ),
                (
                    "Retrying CRAM-MD5 authentication after 535 bad try 2".into(),
                    Level::Warn
                ),
                (
                    "Retrying using PLAIN authentication after 535 bad try 3".into(),
                    Level::Info
                ),
            ]
        );
    }

    #[test]
    fn cancel_is_reported_and_not_retried() {
        let mut s = Script::new(&[true], &[None]);
        let r = run(&mut s, &[at("LOGIN", false)], O);
        assert_eq!(r, Outcome::default());
        assert_eq!(s.sent, ["AUTH LOGIN", "*"]);
        assert!(s.cancelled);
        assert_eq!(
            s.logged,
            [("SMTP Authentication cancelled".into(), Level::Error)]
        );
    }

    #[test]
    fn refused_start_moves_on_and_failure_text_is_the_last_reply() {
        // A refused AUTH leaves trial 0: no retry, no error recorded.
        let mut s = Script::new(&[false, true], &[Some((1, false))]);
        let o = Options {
            label: "NNTP",
            maxtrials: 1,
        };
        let r = run(&mut s, &[at("XOAUTH2", true), at("LOGIN", false)], o);
        assert!(!r.ok);
        assert_eq!(r.error.as_deref(), Some(&b"535 bad try 1"[..]));
        assert_eq!(s.sent, ["AUTH XOAUTH2", "AUTH LOGIN", "response"]);
        assert!(s.logged.is_empty());
    }

    #[test]
    fn a_dropped_connection_stops_the_loop() {
        let mut s = Script::new(&[true, true], &[Some((1, false)), Some((2, false))]);
        s.drop_after = Some(2);
        let r = run(&mut s, &[at("LOGIN", false), at("PLAIN", false)], O);
        assert!(!r.ok);
        assert_eq!(s.sent, ["AUTH LOGIN", "response"]);
        assert_eq!(r.error.as_deref(), Some(&b"535 bad try 1"[..]));
    }

    #[test]
    fn long_failure_text_is_clipped_in_retry_messages() {
        let mut s = Script::new(&[true, true], &[Some((1, false)), Some((1, true))]);
        let r = run(&mut s, &[at("LOGIN", false), at("PLAIN", false)], O);
        assert!(r.ok);
        // "535 bad try 1" is short; clip a long one directly.
        let mut x = Script::new(&[], &[]);
        retrying(&mut x, b"Retrying ", b"X", &[b'a'; 200], Level::Warn);
        assert_eq!(
            x.logged[0].0.len(),
            "Retrying X authentication after ".len() + 80
        );
    }

    #[test]
    fn response_lines_and_invalid_challenges() {
        assert_eq!(response_line(None), b"*");
        assert_eq!(response_line(Some(b"")), b"");
        assert_eq!(response_line(Some(b"user")), b"dXNlcg==");
        let t = invalid_challenge(b"SMTP", &[b'!'; 100]);
        assert_eq!(t.len(), "SMTP SERVER BUG (invalid challenge): ".len() + 80);
        assert_eq!(
            invalid_challenge(b"NNTP", b"ab\0cd"),
            b"NNTP SERVER BUG (invalid challenge): ab"
        );
    }
}
