//! Mailbox names: the `{host:port/flags}mailbox` network syntax and the
//! mapping of local names to files in the user's home directory.

/// Size limits of the fields of the C `NETMBX` record (each includes the
/// terminating NUL, so a value must be strictly shorter).
pub const MAX_HOST: usize = 256;
pub const MAX_USER: usize = 65;
pub const MAX_MAILBOX: usize = 256;
pub const MAX_SERVICE: usize = 21;
/// Longest switch list the parser accepts (the original's scratch buffer).
const MAX_SWITCHES: usize = 1024;

/// A parsed network mailbox name, field for field what `NETMBX` holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetMailbox {
    pub host: Vec<u8>,
    pub orighost: Vec<u8>,
    pub user: Vec<u8>,
    pub authuser: Vec<u8>,
    pub mailbox: Vec<u8>,
    pub service: Vec<u8>,
    pub port: u64,
    pub anonymous: bool,
    pub debug: bool,
    pub secure: bool,
    pub ssl: bool,
    pub tryssl: bool,
    pub novalidate: bool,
    pub tls: bool,
    pub notls: bool,
    pub readonly: bool,
    pub norsh: bool,
    pub loser: bool,
    pub tls_sslv23: bool,
    /// The SASL mechanism forced by `/auth=NAME` (ours; kept in spare bits
    /// of the C record's flag word).
    pub auth: Option<crate::net::Mechanism>,
    /// `/apop` (ours): POP3 logs in with APOP when the greeting carries a
    /// timestamp (kept in a spare bit of the C record's flag word).
    pub apop: bool,
    /// `/nocompress` (ours): the IMAP driver does not ask for COMPRESS
    /// DEFLATE even when the server offers it (a spare flag bit too).
    pub nocompress: bool,
    /// `/utf8` (ours): the IMAP driver enables UTF8=ACCEPT when the server
    /// offers it (a spare flag bit too).
    pub utf8: bool,
}

/// The 4-bit code of a forced mechanism in NETMBX's spare flag bits.
pub fn mechanism_code(m: Option<crate::net::Mechanism>) -> u8 {
    match m {
        None => 0,
        Some(m) => {
            crate::net::Mechanism::ALL
                .iter()
                .position(|&x| x == m)
                .unwrap_or(0) as u8
                + 1
        }
    }
}

/// The mechanism of a code from `mechanism_code`.
pub fn mechanism_from_code(c: u8) -> Option<crate::net::Mechanism> {
    (c as usize)
        .checked_sub(1)
        .and_then(|i| crate::net::Mechanism::ALL.get(i).copied())
}

fn eq_nocase(a: &[u8], b: &str) -> bool {
    a.eq_ignore_ascii_case(b.as_bytes())
}

/// Parses `{host[:port][/switch[=value]]...}mailbox`. `default_service`
/// fills the service when no switch names one; `ssl_available` says whether
/// an SSL driver is installed (without one `/ssl`, `/novalidate-cert` and
/// `/validate-cert` are unknown switches, and `/tryssl` is accepted but
/// ignored). Returns None for anything the original rejects.
pub fn parse_net_mailbox(
    name: &[u8],
    default_service: &[u8],
    ssl_available: bool,
) -> Option<NetMailbox> {
    let mut mb = NetMailbox::default();
    let rest = name.strip_prefix(b"{")?;
    // End of the host part: after a domain literal's ']', else at the
    // first of "/:}".
    let v = if rest.first() == Some(&b'[') {
        let p = rest.iter().position(|&c| c == b']' || c == b'}')?;
        if rest[p] != b']' {
            return None;
        }
        p + 1
    } else {
        rest.iter()
            .position(|&c| c == b'/' || c == b':' || c == b'}')?
    };
    let close = v + rest[v..].iter().position(|&c| c == b'}')?;
    let switches = &rest[v..close];
    let mailbox = &rest[close + 1..];
    if v == 0 || v >= MAX_HOST || switches.len() >= MAX_SWITCHES || mailbox.len() >= MAX_MAILBOX {
        return None;
    }
    mb.host = rest[..v].to_vec();
    mb.orighost = mb.host.clone();
    mb.mailbox = mailbox.to_vec();
    if !switches.is_empty() {
        parse_switches(switches, &mut mb, ssl_available)?;
    }
    if mb.mailbox.is_empty() {
        mb.mailbox = b"INBOX".to_vec();
    }
    if mb.service.is_empty() {
        mb.service = default_service.to_vec();
    }
    if mb.norsh && mb.service != b"imap" {
        return None;
    }
    // Ours: APOP exists only in POP3.
    if mb.apop && mb.service != b"pop3" {
        return None;
    }
    // Ours: only IMAP compresses.
    if mb.nocompress && mb.service != b"imap" {
        return None;
    }
    if mb.utf8 && mb.service != b"imap" {
        return None;
    }
    Some(mb)
}

/// Parses the text between the host name and the closing brace. Every
/// step consumes input, so the loop ends.
fn parse_switches(text: &[u8], mb: &mut NetMailbox, ssl: bool) -> Option<()> {
    let at = |i: usize| text.get(i).copied().unwrap_or(0);
    let mut c = at(0);
    let mut t = 1;
    loop {
        match c {
            b':' => {
                let (port, used) = super::sequence::strtoul(text.get(t..).unwrap_or(&[]));
                if mb.port != 0 || port == 0 {
                    return None;
                }
                mb.port = port;
                t += used;
                c = at(t);
                t += 1;
            }
            b'/' => {
                let tail = text.get(t..).unwrap_or(&[]);
                let (switch, delim) =
                    match tail.iter().position(|&b| matches!(b, b'/' | b':' | b'=')) {
                        Some(p) => (&tail[..p], tail[p]),
                        None => (tail, 0),
                    };
                t += switch.len() + 1;
                c = delim;
                if c == b'=' {
                    let value: Vec<u8>;
                    if at(t) == b'"' {
                        t += 1;
                        let mut arg = Vec::new();
                        loop {
                            let mut ch = at(t);
                            t += 1;
                            if ch == b'"' {
                                break;
                            }
                            if ch == 0 {
                                return None;
                            }
                            if ch == b'\\' {
                                ch = at(t);
                                t += 1;
                            }
                            if ch == 0 {
                                return None;
                            }
                            arg.push(ch);
                        }
                        c = at(t);
                        t += 1;
                        value = arg;
                    } else {
                        let tail = text.get(t..).unwrap_or(&[]);
                        let (arg, delim) = match tail.iter().position(|&b| b == b'/' || b == b':') {
                            Some(p) => (&tail[..p], tail[p]),
                            None => (tail, 0),
                        };
                        t += arg.len() + 1;
                        c = delim;
                        value = arg.to_vec();
                    }
                    // A value with a NUL ends there in C.
                    let value = match value.iter().position(|&b| b == 0) {
                        Some(p) => value[..p].to_vec(),
                        None => value,
                    };
                    if eq_nocase(switch, "service")
                        && value.len() < MAX_SERVICE
                        && mb.service.is_empty()
                    {
                        mb.service = value.to_ascii_lowercase();
                    } else if eq_nocase(switch, "user")
                        && value.len() < MAX_USER
                        && mb.user.is_empty()
                    {
                        mb.user = value;
                    } else if eq_nocase(switch, "authuser")
                        && value.len() < MAX_USER
                        && mb.authuser.is_empty()
                    {
                        mb.authuser = value;
                    } else if eq_nocase(switch, "auth") && mb.auth.is_none() {
                        // Ours: the original refuses any "/auth=" name.
                        mb.auth = Some(crate::net::Mechanism::from_name(&value)?);
                    } else {
                        return None;
                    }
                } else {
                    flag_switch(switch, mb, ssl)?;
                }
            }
            _ => return None,
        }
        if c == 0 {
            return Some(());
        }
    }
}

fn flag_switch(s: &[u8], mb: &mut NetMailbox, ssl: bool) -> Option<()> {
    if eq_nocase(s, "anonymous") {
        mb.anonymous = true;
    } else if eq_nocase(s, "debug") {
        mb.debug = true;
    } else if eq_nocase(s, "readonly") {
        mb.readonly = true;
    } else if eq_nocase(s, "secure") {
        mb.secure = true;
    } else if eq_nocase(s, "norsh") {
        mb.norsh = true;
    } else if eq_nocase(s, "loser") {
        mb.loser = true;
    } else if eq_nocase(s, "apop") {
        // Ours: the original refuses any name with "/apop".
        mb.apop = true;
    } else if eq_nocase(s, "nocompress") {
        // Ours: the original refuses any name with "/nocompress".
        mb.nocompress = true;
    } else if eq_nocase(s, "utf8") {
        // Ours: the original refuses any name with "/utf8".
        mb.utf8 = true;
    } else if eq_nocase(s, "tls") && !mb.notls {
        mb.tls = true;
    } else if eq_nocase(s, "tls-sslv23") && !mb.notls {
        mb.tls = true;
        mb.tls_sslv23 = true;
    } else if eq_nocase(s, "notls") && !mb.tls {
        mb.notls = true;
    } else if eq_nocase(s, "tryssl") {
        mb.tryssl = ssl;
    } else if ssl && eq_nocase(s, "ssl") && !mb.tls {
        mb.ssl = true;
        mb.notls = true;
    } else if ssl && eq_nocase(s, "novalidate-cert") {
        mb.novalidate = true;
    } else if ssl && eq_nocase(s, "validate-cert") {
        // Accepted for compatibility; validation is the default.
    } else if !mb.service.is_empty() {
        return None;
    } else if ["imap", "nntp", "pop3", "smtp", "submit"]
        .iter()
        .any(|n| eq_nocase(s, n))
    {
        mb.service = s.to_ascii_lowercase();
    } else if ["imap2", "imap2bis", "imap4", "imap4rev1"]
        .iter()
        .any(|n| eq_nocase(s, n))
    {
        mb.service = b"imap".to_vec();
    } else if eq_nocase(s, "pop") {
        mb.service = b"pop3".to_vec();
    } else {
        return None;
    }
    Some(())
}

/// Where a local mailbox name lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalName {
    /// `INBOX`: the system inbox, whose path the caller knows.
    Inbox,
    /// A file or directory path.
    Path(Vec<u8>),
}

/// Where a local mailbox name lives. The mapping itself is the user
/// environment's (`crate::env::user::mailbox_file`, the original's
/// `mailboxfile`); this forwards to it for callers written against the
/// earlier interface. `_home` is no longer consulted: the environment knows
/// the home directory and the mail subdirectory.
pub fn local_mailbox_file(name: &[u8], _home: &[u8]) -> Option<LocalName> {
    crate::env::user::mailbox_file(name)
}

#[cfg(test)]
mod nocompress_tests {
    use super::parse_net_mailbox;

    #[test]
    fn nocompress_switch() {
        let mb = parse_net_mailbox(b"{h/imap/nocompress}INBOX", b"imap", true).unwrap();
        assert!(mb.nocompress);
        let mb = parse_net_mailbox(b"{h/imap}INBOX", b"imap", true).unwrap();
        assert!(!mb.nocompress);
        // Only IMAP compresses.
        assert!(parse_net_mailbox(b"{h/pop3/nocompress}INBOX", b"imap", true).is_none());
        assert!(
            parse_net_mailbox(b"{h/imap/utf8}INBOX", b"imap", true)
                .unwrap()
                .utf8
        );
        assert!(parse_net_mailbox(b"{h/pop3/utf8}INBOX", b"imap", true).is_none());
    }
}
