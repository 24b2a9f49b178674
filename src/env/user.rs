//! The user's environment as the local drivers see it: login name, home
//! directory, host name, system inbox, namespaces, and where a local
//! mailbox name lives (the original's env_unix.c).
//!
//! String settings that programs can also read through `mail_parameters`
//! (user name, home directory, host name, system inbox, news files, the
//! namespace homes) live in [`crate::env::params`] so both views agree;
//! the rest of the environment is the private [`State`] here.
//!
//! The first question about the user initialises the environment from the
//! password database (unless the program set it up with `env_init`),
//! reading `/etc/c-client.cf` on the way ([`crate::env::rc`]).

use crate::env::config;
use crate::env::params::{self, Owner};
use crate::env::rc;
use crate::store::events::Level;
use crate::store::names::LocalName;
use std::sync::{Mutex, MutexGuard, OnceLock};

/// `mail_parameters` GET codes of the settings this module reads.
pub mod code {
    pub const USERNAME: i64 = 201;
    pub const HOMEDIR: i64 = 203;
    pub const LOCALHOST: i64 = 205;
    pub const SYSINBOX: i64 = 207;
    pub const NEWSACTIVE: i64 = 508;
    pub const NEWSSPOOL: i64 = 510;
    pub const NEWSRC: i64 = 512;
    pub const ANONYMOUSHOME: i64 = 522;
    pub const FTPHOME: i64 = 524;
    pub const PUBLICHOME: i64 = 526;
    pub const SHAREDHOME: i64 = 528;
    pub const SSLCAPATH: i64 = 231;
    pub const BLOCKENVINIT: i64 = 161;
    pub const DISABLEPLAINTEXT: i64 = 211;
    pub const CHROOTSERVER: i64 = 213;
    pub const ADVERTISETHEWORLD: i64 = 215;
    pub const DISABLEAUTOSHAREDNS: i64 = 217;
    pub const LIMITEDADVERTISE: i64 = 223;
    pub const MBXPROTECTION: i64 = 500;
    pub const DIRPROTECTION: i64 = 502;
    pub const FTPPROTECTION: i64 = 538;
    pub const PUBLICPROTECTION: i64 = 540;
    pub const SHAREDPROTECTION: i64 = 542;
    pub const FTPDIRPROTECTION: i64 = 550;
    pub const PUBLICDIRPROTECTION: i64 = 552;
    pub const SHAREDDIRPROTECTION: i64 = 554;
}

/// Longest user name a network mailbox can carry (`NETMAXUSER`, with NUL).
pub const NETMAXUSER: usize = 65;
/// Longest mailbox name (`NETMAXMBX`).
pub const NETMAXMBX: usize = 256;
/// The original's scratch buffer size (`MAILTMPLEN`).
pub const MAILTMPLEN: usize = 1024;
/// Number of keyword slots per mailbox (`NUSERFLAGS`).
pub const NUSERFLAGS: usize = 30;
/// Longest keyword a configuration file may define (`MAXUSERFLAG`).
pub const MAXUSERFLAG: usize = 50;

/// The anonymous user's login name.
pub const ANONYMOUS_USER: &[u8] = b"nobody";
/// What `myusername` answers before anyone logged in (as root).
pub const UNLOGGED_USER: &[u8] = b"root";

/// restrictBox bits: no names outside the home directory, no other users.
pub const RESTRICT_ROOT: i16 = 0x1;
pub const RESTRICT_OTHER_USER: i16 = 0x2;

/// Whether and how the user is logged in (`MU_LOGGEDIN`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginState {
    LoggedIn = 0,
    NotLoggedIn = 1,
    Anonymous = 2,
}

/// The namespace lists the original offers; the C layer maps each to its
/// static `NAMESPACE` chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NamespaceList {
    /// Personal: `""` then `#mhinbox`, `#mh/`.
    Home,
    /// Other users by `~user/`.
    UnixOther,
    /// Other users under the black-box root, `/user/`.
    BlackOther,
    /// `#shared/`, `#ftp/`, `#news.`, `#public/`.
    Shared,
    /// `/` then the shared list.
    World,
    /// `#shared/` then `#public/`.
    Limited,
    /// `#ftp/`, `#news.`, `#public/` (anonymous users).
    Ftp,
}

/// A mailbox format chosen by `set new-mailbox-format` or `set
/// empty-mailbox-format`, or the standard one `env_init` installs; the C
/// layer turns it into a prototype stream. No choice at all (before
/// `env_init`) means no prototype.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatChoice {
    /// The port's standard format.
    SystemStandard,
    /// Whatever format INBOX has.
    SameAsInbox,
    /// A driver by name (known to exist when chosen).
    Driver(Vec<u8>),
    /// No format: appending to a missing or empty mailbox fails.
    Invalid,
}

/// What the C layer can answer for the environment (drivers and the
/// network peer live there).
pub trait Host: Send + Sync {
    /// Whether a driver of this name is linked (case-independent).
    fn driver_exists(&self, name: &[u8]) -> bool;
    /// Whether the server's client is `host` (`tcp_isclienthost`).
    fn is_client_host(&self, host: &[u8]) -> bool;
    /// Disables a driver (`DISABLE_DRIVER`).
    fn disable_driver(&self, name: &[u8]);
}

/// The host used until the C layer registers its own (Rust tests): no
/// drivers, no network client.
struct NoHost;
impl Host for NoHost {
    fn driver_exists(&self, _name: &[u8]) -> bool {
        false
    }
    fn is_client_host(&self, _host: &[u8]) -> bool {
        false
    }
    fn disable_driver(&self, _name: &[u8]) {}
}

static HOST: OnceLock<&'static dyn Host> = OnceLock::new();

/// Registers the C layer's answers; the first registration wins.
pub fn set_host(host: &'static dyn Host) {
    let _ = HOST.set(host);
}

pub(crate) fn host() -> &'static dyn Host {
    HOST.get().copied().unwrap_or(&NoHost)
}

/// The part of the environment programs cannot read directly.
pub(crate) struct State {
    pub anonymous: bool,
    pub black_box: bool,
    pub restrict: i16,
    /// The port's restrictBox default is still to be applied (it comes
    /// from the linked port object, so not at compile time).
    restrict_pending: bool,
    pub allow_user_config: bool,
    pub mail_subdir: Option<Vec<u8>>,
    pub black_box_dir: Option<Vec<u8>>,
    pub black_box_default_home: Option<Vec<u8>>,
    pub mailbox_dir: Option<Vec<u8>>,
    pub user_flags: Vec<Vec<u8>>,
    pub namespaces: [Option<NamespaceList>; 3],
    pub login_tries: i32,
    pub create_format: Option<FormatChoice>,
    pub append_format: Option<FormatChoice>,
    /// Bumped whenever a format choice changes.
    pub format_version: u64,
    /// Log lines waiting for the C layer to deliver.
    pub pending_log: Vec<(Vec<u8>, Level)>,
}

impl State {
    const fn new() -> Self {
        State {
            anonymous: false,
            black_box: false,
            restrict: 0,
            restrict_pending: true,
            allow_user_config: false,
            mail_subdir: None,
            black_box_dir: None,
            black_box_default_home: None,
            mailbox_dir: None,
            user_flags: Vec::new(),
            namespaces: [None; 3],
            login_tries: 3,
            create_format: None,
            append_format: None,
            format_version: 0,
            pending_log: Vec::new(),
        }
    }
}

static STATE: Mutex<State> = Mutex::new(State::new());

pub(crate) fn state() -> MutexGuard<'static, State> {
    // A poisoned lock only means a panic elsewhere; the state is still sound.
    let mut st = STATE.lock().unwrap_or_else(|e| e.into_inner());
    if st.restrict_pending {
        st.restrict_pending = false;
        // Debian's build (RESTRICTBOX=1) sets restrictBox to "all".
        if config::restrict_box() {
            st.restrict = -1;
        }
    }
    st
}

/// A failure the original reports through `fatal` (the C layer aborts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fatal(pub &'static str);

pub(crate) fn env_string(get: i64) -> Option<Vec<u8>> {
    params::string(Owner::Env, get)
}

pub(crate) fn set_env_string(get: i64, value: &[u8]) {
    params::set_string(Owner::Env, get, Some(value));
}

pub(crate) fn env_flag(get: i64) -> bool {
    params::number(Owner::Env, get) != 0
}

pub(crate) fn set_env_word(get: i64, value: usize) {
    if let Some(e) = params::entry(Owner::Env, get) {
        params::store(e, value);
    }
}

fn join(dir: &[u8], name: &[u8]) -> Vec<u8> {
    let mut path = Vec::with_capacity(dir.len() + name.len() + 1);
    path.extend_from_slice(dir);
    path.push(b'/');
    path.extend_from_slice(name);
    path
}

fn is_dir(path: &[u8]) -> bool {
    use std::os::unix::ffi::OsStrExt;
    std::fs::metadata(std::ffi::OsStr::from_bytes(path)).is_ok_and(|m| m.is_dir())
}

/// Queues a log line for the C layer.
pub(crate) fn queue_log(st: &mut State, text: Vec<u8>, level: Level) {
    st.pending_log.push((text, level));
}

/// Log lines the environment produced since the last call, oldest first.
/// The C layer delivers them to `mm_log` once it holds no lock.
pub fn take_log() -> Vec<(Vec<u8>, Level)> {
    std::mem::take(&mut state().pending_log)
}

/// `env_init`: sets up the environment of `user` (None: anonymous) with
/// home directory `home` (None: a closed-box server, home is the root).
/// Returns Ok(true) (the original always succeeds) or the fatal error.
pub fn env_init(user: Option<&[u8]>, home: Option<&[u8]>) -> Result<bool, Fatal> {
    let mut st = state();
    init_locked(&mut st, user, home)
}

fn init_locked(st: &mut State, user: Option<&[u8]>, home: Option<&[u8]>) -> Result<bool, Fatal> {
    if env_flag(code::BLOCKENVINIT) {
        return Ok(true);
    }
    if env_string(code::USERNAME).is_some() {
        return Err(Fatal("env_init called twice!"));
    }
    st.namespaces = [None; 3];
    // Prototypes exist from here on; the configuration may change them.
    for format in [&mut st.create_format, &mut st.append_format] {
        if format.is_none() {
            *format = Some(FormatChoice::SystemStandard);
        }
    }
    st.format_version += 1;
    // The user name must be known before the system file is read: some of
    // its settings only apply to a logged-in user.
    set_env_string(code::USERNAME, user.unwrap_or(ANONYMOUS_USER));
    rc::read(st, None, false);
    let home_dir: Vec<u8> = match home {
        None => {
            if user.is_some() {
                st.namespaces[0] = Some(NamespaceList::Home);
            } else {
                st.namespaces[0] = Some(NamespaceList::BlackOther);
                st.anonymous = true;
            }
            set_env_string(code::SYSINBOX, b"INBOX");
            Vec::new()
        }
        Some(given) => {
            set_env_word(code::CHROOTSERVER, 0);
            let mut home_dir = given.to_vec();
            if user.is_some() {
                if let Some(bbdir) = st.black_box_dir.clone() {
                    let name = env_string(code::USERNAME).unwrap_or_default();
                    let own = join(&bbdir, &name);
                    home_dir = if is_dir(&own) {
                        own
                    } else {
                        match &st.black_box_default_home {
                            Some(d) if is_dir(d) => d.clone(),
                            _ => return Err(Fatal("no home")),
                        }
                    };
                    set_env_string(code::SYSINBOX, &join(&home_dir, b"INBOX"));
                    st.black_box = true;
                    host().disable_driver(b"mbox");
                }
                st.namespaces[0] = Some(NamespaceList::Home);
                if env_flag(code::LIMITEDADVERTISE) {
                    st.namespaces[2] = Some(NamespaceList::Limited);
                } else if st.black_box {
                    st.namespaces[1] = Some(NamespaceList::BlackOther);
                    st.namespaces[2] = Some(NamespaceList::Shared);
                } else {
                    st.namespaces[1] = Some(NamespaceList::UnixOther);
                    st.namespaces[2] = Some(if env_flag(code::ADVERTISETHEWORLD) {
                        NamespaceList::World
                    } else {
                        NamespaceList::Shared
                    });
                }
            } else {
                st.namespaces[2] = Some(NamespaceList::Ftp);
                home_dir = anonymous_home();
                set_env_string(code::SYSINBOX, &join(&home_dir, b"INBOX"));
                st.anonymous = true;
            }
            home_dir
        }
    };
    set_env_string(code::HOMEDIR, &home_dir);
    if st.allow_user_config {
        rc::read(st, Some(&join(&home_dir, b".mminit")), true);
        rc::read(st, Some(&join(&home_dir, b".imaprc")), false);
    }
    if !env_flag(code::CHROOTSERVER) && !env_flag(code::DISABLEAUTOSHAREDNS) {
        let homes: [(i64, &[u8], bool); 3] = [
            (code::FTPHOME, b"ftp", true),
            (code::PUBLICHOME, b"imappublic", true),
            (code::SHAREDHOME, b"imapshared", !st.anonymous),
        ];
        for (get, account, wanted) in homes {
            if wanted && env_string(get).is_none() {
                if let Some(pw) = crate::os::user::by_name(account) {
                    set_env_string(get, &pw.home);
                }
            }
        }
    }
    local_host();
    if env_string(code::NEWSRC).is_none() {
        set_env_string(code::NEWSRC, &join(&home_dir, b".newsrc"));
    }
    if env_string(code::NEWSACTIVE).is_none() {
        set_env_string(code::NEWSACTIVE, config::activefile().as_bytes());
    }
    if env_string(code::NEWSSPOOL).is_none() {
        set_env_string(code::NEWSSPOOL, config::newsspool().as_bytes());
    }
    crate::os::user::close_database();
    Ok(true)
}

/// `myusername_full`: the user name and login state, initialising the
/// environment from the password database on first use (not as root).
/// The name is the setting's current value, or the password entry's name
/// when initialisation is blocked.
pub fn user_name_full() -> Result<(Vec<u8>, LoginState), Fatal> {
    let mut st = state();
    user_name_locked(&mut st)
}

fn user_name_locked(st: &mut State) -> Result<(Vec<u8>, LoginState), Fatal> {
    use crate::os::user;
    let euid = user::effective_uid();
    if env_string(code::USERNAME).is_none() && euid != 0 {
        let by_login = user::login_name()
            .filter(|s| s.len() < NETMAXUSER)
            .and_then(|s| user::by_name(&s))
            .filter(|pw| pw.uid == euid);
        let Some(pw) = by_login.or_else(|| user::by_uid(euid)) else {
            return Err(Fatal("Unable to look up user name"));
        };
        if env_flag(code::BLOCKENVINIT) {
            return Ok((pw.name, LoginState::LoggedIn));
        }
        let home = std::env::var_os("HOME")
            .map(|h| h.into_encoded_bytes())
            .filter(|h| !h.is_empty() && h.len() < NETMAXMBX && is_dir(h))
            .unwrap_or(pw.home);
        init_locked(st, Some(&pw.name), Some(&home))?;
    }
    Ok(match env_string(code::USERNAME) {
        Some(name) => {
            let state = if st.anonymous {
                LoginState::Anonymous
            } else {
                LoginState::LoggedIn
            };
            (name, state)
        }
        None => (UNLOGGED_USER.to_vec(), LoginState::NotLoggedIn),
    })
}

/// The login name (`myusername`); None only when the password database
/// has no entry for this process (the original's fatal error).
pub fn user_name() -> Option<Vec<u8>> {
    user_name_full().ok().map(|(name, _)| name)
}

/// The user's full name from the GECOS field, up to its first comma.
pub fn user_full_name() -> Option<Vec<u8>> {
    let name = user_name()?;
    let pw = crate::os::user::by_name(&name)?;
    let end = pw
        .gecos
        .iter()
        .position(|&b| b == b',')
        .unwrap_or(pw.gecos.len());
    Some(pw.gecos[..end].to_vec())
}

/// The home directory (`myhomedir`): empty when it cannot be known.
pub fn home_dir_or_empty() -> Vec<u8> {
    let mut st = state();
    home_locked(&mut st)
}

fn home_locked(st: &mut State) -> Vec<u8> {
    if env_string(code::HOMEDIR).is_none() {
        let _ = user_name_locked(st);
    }
    env_string(code::HOMEDIR).unwrap_or_default()
}

/// The home directory (`myhomedir`), None when it is not known.
pub fn home_dir() -> Option<Vec<u8>> {
    let mut st = state();
    home_locked(&mut st);
    env_string(code::HOMEDIR)
}

/// This host's name (`mylocalhost`): the setting, else the canonical form
/// of `gethostname`'s answer, else "unknown"; remembered once found.
pub fn local_host() -> Vec<u8> {
    if let Some(h) = env_string(code::LOCALHOST) {
        return h;
    }
    let mut name = b"unknown".to_vec();
    if let Some(h) = crate::os::host::host_name(MAILTMPLEN - 1) {
        if h.iter().all(|&c| c > 0x20 && c < 0x7f) {
            name = canonical_host(&h);
        }
    }
    set_env_string(code::LOCALHOST, &name);
    name
}

/// `tcp_canonical`: a domain literal as is, else the resolver's canonical
/// name of the lower-cased name, else the name unchanged.
pub fn canonical_host(name: &[u8]) -> Vec<u8> {
    if name.len() > 1 && name.first() == Some(&b'[') && name.last() == Some(&b']') {
        return name.to_vec();
    }
    if name.len() >= MAILTMPLEN {
        return name.to_vec();
    }
    crate::os::host::canonical_name(&name.to_ascii_lowercase(), config::ipv6())
        .unwrap_or_else(|| name.to_vec())
}

/// The anonymous user's home (`GET_ANONYMOUSHOME`), defaulting to the
/// port's mail spool.
pub fn anonymous_home() -> Vec<u8> {
    if let Some(h) = env_string(code::ANONYMOUSHOME) {
        return h;
    }
    let h = join(config::mailspool().as_bytes(), b"anonymous");
    set_env_string(code::ANONYMOUSHOME, &h);
    h
}

fn mailbox_dir_locked(st: &mut State) -> Vec<u8> {
    let home = home_locked(st);
    if st.mailbox_dir.is_none() && env_string(code::HOMEDIR).is_some() {
        st.mailbox_dir = Some(match &st.mail_subdir {
            Some(sub) => join(&home, sub),
            None => home,
        });
    }
    st.mailbox_dir.clone().unwrap_or_default()
}

/// The directory of the user's mailboxes (`mailboxdir` with no names):
/// the home directory, or its `set mail-subdirectory`.
pub fn mailbox_dir() -> Vec<u8> {
    mailbox_dir_locked(&mut state())
}

fn system_inbox_locked(st: &mut State) -> Vec<u8> {
    if let Some(s) = env_string(code::SYSINBOX) {
        return s;
    }
    let name = user_name_locked(st)
        .map(|(n, _)| n)
        .unwrap_or_else(|_| UNLOGGED_USER.to_vec());
    let inbox = join(config::mailspool().as_bytes(), &name);
    set_env_string(code::SYSINBOX, &inbox);
    inbox
}

/// The system inbox file (`sysinbox`): the setting, else the port's mail
/// spool file of the user.
pub fn system_inbox() -> Option<Vec<u8>> {
    Some(system_inbox_locked(&mut state()))
}

/// `mailboxdir(dir, name)`: the file of `dir` followed by `name`, or the
/// mailbox directory when both are absent. None for a refused name.
pub fn mailbox_dir_file(dir: Option<&[u8]>, name: Option<&[u8]>) -> Option<Vec<u8>> {
    if dir.is_none() && name.is_none() {
        return Some(mailbox_dir());
    }
    let mut joined = Vec::new();
    for part in [dir, name].into_iter().flatten() {
        if part.len() > NETMAXMBX {
            return None;
        }
        joined.extend_from_slice(part);
    }
    mailbox_file_name(&joined)
}

fn namespace_is(name: &[u8], prefix: &[u8]) -> bool {
    name.len() >= prefix.len() && name[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// `mailboxfile`: the file a local mailbox name maps to. An empty answer
/// means INBOX, whose file each driver chooses; None means the name is
/// refused (a remote name, too long, outside what this user may reach).
pub fn mailbox_file_name(name: &[u8]) -> Option<Vec<u8>> {
    let mut st = state();
    mailbox_file_locked(&mut st, name)
}

fn mailbox_file_locked(st: &mut State, name: &[u8]) -> Option<Vec<u8>> {
    let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
    let name = &name[..end];
    if name.is_empty() || name[0] == b'{' || name.len() > NETMAXMBX {
        return None;
    }
    if (st.anonymous || st.black_box || st.restrict != 0 || name[0] == b'#')
        && (contains(name, b"..") || contains(name, b"//") || contains(name, b"/~"))
    {
        return None;
    }
    match name[0] {
        b'#' => {
            if namespace_is(name, b"#ftp/") {
                if let Some(ftp) = env_string(code::FTPHOME) {
                    return Some(join(&ftp, &name[5..]));
                }
            }
            let home = if namespace_is(name, b"#public/") {
                env_string(code::PUBLICHOME)
            } else {
                None
            };
            let home = home.or_else(|| {
                (!st.anonymous && namespace_is(name, b"#shared/"))
                    .then(|| env_string(code::SHAREDHOME))
                    .flatten()
            });
            let home = home?;
            let rest = &name[8..];
            Some(join(
                &home,
                if rest.eq_ignore_ascii_case(b"INBOX") {
                    b"INBOX"
                } else {
                    rest
                },
            ))
        }
        b'/' => {
            if st.anonymous {
                None
            } else if st.black_box {
                if st.restrict & RESTRICT_OTHER_USER != 0 {
                    return None;
                }
                let bbdir = st.black_box_dir.clone().unwrap_or_default();
                let rest = &name[1..];
                match rest.iter().position(|&b| b == b'/') {
                    Some(p) if rest[p + 1..].eq_ignore_ascii_case(b"INBOX") => {
                        Some(join(&join(&bbdir, &rest[..p]), b"INBOX"))
                    }
                    _ => Some(join(&bbdir, rest)),
                }
            } else if st.restrict & RESTRICT_ROOT != 0 && name != system_inbox_locked(st) {
                None
            } else {
                Some(name.to_vec())
            }
        }
        b'~' => {
            let rest = &name[1..];
            if rest.is_empty() || st.anonymous {
                None
            } else if rest[0] == b'/' {
                Some(join(&mailbox_dir_locked(st), &rest[1..]))
            } else if env_flag(code::CHROOTSERVER) || st.restrict & RESTRICT_OTHER_USER != 0 {
                None
            } else if st.black_box {
                let bbdir = st.black_box_dir.clone().unwrap_or_default();
                // The original builds "<user>/INBOX" when what follows the
                // user is NOT "INBOX"; kept as it behaves.
                match rest.iter().position(|&b| b == b'/') {
                    Some(p) if !rest[p + 1..].eq_ignore_ascii_case(b"INBOX") => {
                        Some(join(&join(&bbdir, &rest[..p]), b"INBOX"))
                    }
                    _ => Some(join(&bbdir, rest)),
                }
            } else {
                let (user, mut tail) = match rest.iter().position(|&b| b == b'/') {
                    Some(p) => (&rest[..p], &rest[p + 1..]),
                    None => (rest, &rest[rest.len()..]),
                };
                let pw = crate::os::user::by_name(user)?;
                if tail.eq_ignore_ascii_case(b"INBOX") {
                    tail = b"INBOX";
                }
                let mut dir = pw.home;
                if dir.last() == Some(&b'/') {
                    dir.pop();
                }
                if st.restrict & RESTRICT_ROOT != 0 && dir.is_empty() {
                    return None;
                }
                Some(match &st.mail_subdir {
                    Some(sub) => join(&join(&dir, sub), tail),
                    None => join(&dir, tail),
                })
            }
        }
        _ if name.eq_ignore_ascii_case(b"INBOX") => {
            if st.anonymous || st.black_box || env_flag(code::CHROOTSERVER) {
                Some(join(&mailbox_dir_locked(st), b"INBOX"))
            } else {
                Some(Vec::new())
            }
        }
        _ => Some(join(&mailbox_dir_locked(st), name)),
    }
}

/// Where local mailbox `name` lives (`mailboxfile`): INBOX (the driver's
/// choice), or a path. None for a name this build refuses.
pub fn mailbox_file(name: &[u8]) -> Option<LocalName> {
    let file = mailbox_file_name(name)?;
    Some(if file.is_empty() {
        LocalName::Inbox
    } else {
        LocalName::Path(file)
    })
}

/// The namespace lists (`GET_NAMESPACE`: personal, other users, shared).
pub fn namespaces() -> [Option<NamespaceList>; 3] {
    state().namespaces
}

/// Keyword `i` of the configuration files' `set keywords` (after making
/// sure the environment is initialised).
pub fn default_user_flag(i: usize) -> Option<Vec<u8>> {
    let mut st = state();
    let _ = user_name_locked(&mut st);
    st.user_flags.get(i).cloned()
}

/// The mailbox formats chosen by the configuration files, with the version
/// that changes when either does (after initialising the environment).
pub fn format_choices() -> (u64, Option<FormatChoice>, Option<FormatChoice>) {
    let mut st = state();
    let _ = user_name_locked(&mut st);
    (
        st.format_version,
        st.create_format.clone(),
        st.append_format.clone(),
    )
}

/// Server login attempts left (`set allowed-login-attempts`).
pub fn login_tries() -> i32 {
    state().login_tries
}

/// Spends one server login attempt (the original's `logtry--`): the
/// number left before this one.
pub fn spend_login_try() -> i32 {
    let mut st = state();
    let left = st.login_tries;
    st.login_tries = left.saturating_sub(1);
    left
}

/// Leaves no login attempts (a break-in attempt makes the session useless).
pub fn forfeit_login_tries() {
    state().login_tries = 0;
}

/// The restrictBox bits in force.
pub fn restrictions() -> i16 {
    state().restrict
}

/// Lifts restrictBox and the black box for one call (`path_create`'s
/// private arrangement for tmail and dmail), restoring them afterwards.
pub fn unrestricted<R>(f: impl FnOnce(&[u8]) -> R) -> R {
    let (saved_restrict, saved_black_box, dir) = {
        let mut st = state();
        let dir = mailbox_dir_locked(&mut st);
        let saved = (st.restrict, st.black_box);
        st.restrict = 0;
        st.black_box = false;
        (saved.0, saved.1, dir)
    };
    let inbox = if saved_black_box {
        join(&dir, b"INBOX")
    } else {
        Vec::new()
    };
    let r = f(&inbox);
    let mut st = state();
    st.restrict = saved_restrict;
    st.black_box = saved_black_box;
    r
}

/// Minutes after which a dot-lock is considered stale (`set
/// dot-lock-file-timeout`, `SET_LOCKTIMEOUT`).
pub fn lock_timeout_minutes() -> i64 {
    params::number(Owner::Env, 544)
}

/// Mode of dot-lock files (`SET_LOCKPROTECTION`).
pub fn lock_protection() -> u32 {
    params::number(Owner::Env, 504) as u32
}

/// Whether a dot-lock that cannot be made is reported ("Mailbox
/// vulnerable - ..."); `set disable-lock-warning` turns it off.
pub fn lock_warnings() -> bool {
    params::number(Owner::Env, 518) != 0
}

/// Whether this is a closed-box (chroot) server.
pub fn closed_box() -> bool {
    env_flag(code::CHROOTSERVER)
}

/// Whether names beginning with a dot are left out of listings.
pub fn hide_dot_files() -> bool {
    params::number(Owner::Env, 548) != 0
}

/// Whether the user wants no UIDs or keywords kept in mailbox files
/// (`set disable-unix-UIDs-and-keywords`).
pub fn user_has_no_life() -> bool {
    params::number(Owner::Env, 536) != 0
}

/// How deep LIST recurses (`SET_LISTMAXLEVEL`).
pub fn list_max_level() -> i64 {
    params::number(Owner::Env, 520)
}

/// The namespace a mailbox name starts with, for protections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Space {
    Ftp,
    Public,
    Shared,
    Personal,
}

fn space_of(mailbox: &[u8]) -> Space {
    if namespace_is(mailbox, b"#ftp/") {
        Space::Ftp
    } else if namespace_is(mailbox, b"#public/") {
        Space::Public
    } else if namespace_is(mailbox, b"#shared/") {
        Space::Shared
    } else {
        Space::Personal
    }
}

/// `get_dir_protection`: the mode for directories made for `mailbox`.
pub fn dir_protection(mailbox: &[u8]) -> i64 {
    params::number(
        Owner::Env,
        match space_of(mailbox) {
            Space::Ftp => code::FTPDIRPROTECTION,
            Space::Public => code::PUBLICDIRPROTECTION,
            Space::Shared => code::SHAREDDIRPROTECTION,
            Space::Personal => code::DIRPROTECTION,
        },
    )
}

/// The mode `set_mbx_protections` gives `mailbox`'s file: the namespace's
/// file protection, and for a directory the search bits matching each
/// read/write bit plus a set-group-id bit it already had.
pub fn mailbox_protection(mailbox: &[u8], directory: Option<u32>) -> u32 {
    let mut mode = params::number(
        Owner::Env,
        match space_of(mailbox) {
            Space::Ftp => code::FTPPROTECTION,
            Space::Public => code::PUBLICPROTECTION,
            Space::Shared => code::SHAREDPROTECTION,
            Space::Personal => code::MBXPROTECTION,
        },
    ) as i32 as u32;
    if let Some(dir_mode) = directory {
        if mode & 0o600 != 0 {
            mode |= 0o100;
        }
        if mode & 0o60 != 0 {
            mode |= 0o10;
        }
        if mode & 0o6 != 0 {
            mode |= 0o1;
        }
        mode |= dir_mode & 0o2000;
    }
    mode
}

/// Login name of the account with numeric id `uid`, for drivers that name
/// a file's owner.
pub fn user_name_of(uid: u32) -> Option<Vec<u8>> {
    crate::os::user::by_uid(uid).map(|p| p.name)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Serialises tests that change the process-wide environment.
    pub(crate) static LOCK: Mutex<()> = Mutex::new(());

    /// Puts the environment into a known logged-in state.
    pub(crate) fn logged_in(user: &[u8], home: &[u8]) -> MutexGuard<'static, ()> {
        let guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
        {
            let mut st = state();
            *st = State::new();
            st.restrict = -1;
        }
        for get in [
            code::USERNAME,
            code::HOMEDIR,
            code::SYSINBOX,
            code::FTPHOME,
            code::PUBLICHOME,
            code::SHAREDHOME,
        ] {
            params::set_string(Owner::Env, get, None);
        }
        set_env_string(code::USERNAME, user);
        set_env_string(code::HOMEDIR, home);
        guard
    }

    #[test]
    fn ordinary_names_live_in_the_home_directory() {
        let _g = logged_in(b"me", b"/h/me");
        assert_eq!(mailbox_file_name(b"foo"), Some(b"/h/me/foo".to_vec()));
        assert_eq!(mailbox_file_name(b"~/a/b"), Some(b"/h/me/a/b".to_vec()));
        assert_eq!(mailbox_file_name(b"INBOX"), Some(Vec::new()));
        assert_eq!(mailbox_file_name(b"iNbOx"), Some(Vec::new()));
        assert_eq!(
            mailbox_file_name(b"INBOXes"),
            Some(b"/h/me/INBOXes".to_vec())
        );
        assert_eq!(mailbox_file(b"inbox"), Some(LocalName::Inbox));
    }

    #[test]
    fn restricted_names_are_refused() {
        let _g = logged_in(b"me", b"/h/me");
        for bad in [
            &b""[..],
            b"{host}x",
            b"..",
            b"a/../b",
            b"a//b",
            b"a/~b",
            b"/etc/passwd",
            b"~root/x",
            b"~",
            b"#news.comp",
            b"#mhinbox",
            b"#ftp/x",
        ] {
            assert_eq!(
                mailbox_file_name(bad),
                None,
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        set_env_string(code::SYSINBOX, b"/spool/me");
        assert_eq!(mailbox_file_name(b"/spool/me"), Some(b"/spool/me".to_vec()));
        assert_eq!(mailbox_file_name(&[b'a'; NETMAXMBX + 1]), None);
        assert!(mailbox_file_name(&[b'a'; NETMAXMBX]).is_some());
    }

    #[test]
    fn unrestricted_names_reach_other_users_and_the_root() {
        let _g = logged_in(b"me", b"/h/me");
        state().restrict = 0;
        assert_eq!(mailbox_file_name(b"/etc/x"), Some(b"/etc/x".to_vec()));
        assert_eq!(mailbox_file_name(b"a/../b"), Some(b"/h/me/a/../b".to_vec()));
        assert_eq!(
            mailbox_file_name(b"~root/inbox"),
            Some(b"/root/INBOX".to_vec())
        );
        assert_eq!(mailbox_file_name(b"~no such user/x"), None);
        state().mail_subdir = Some(b"Mail".to_vec());
        assert_eq!(
            mailbox_file_name(b"~root/x"),
            Some(b"/root/Mail/x".to_vec())
        );
    }

    #[test]
    fn namespaces_map_to_their_homes() {
        let _g = logged_in(b"me", b"/h/me");
        set_env_string(code::FTPHOME, b"/ftp");
        set_env_string(code::PUBLICHOME, b"/pub");
        set_env_string(code::SHAREDHOME, b"/sh");
        assert_eq!(mailbox_file_name(b"#FTP/x"), Some(b"/ftp/x".to_vec()));
        assert_eq!(
            mailbox_file_name(b"#public/inbox"),
            Some(b"/pub/INBOX".to_vec())
        );
        assert_eq!(mailbox_file_name(b"#Shared/y"), Some(b"/sh/y".to_vec()));
        assert_eq!(mailbox_file_name(b"#shared/../y"), None);
        state().anonymous = true;
        assert_eq!(mailbox_file_name(b"#shared/y"), None);
        assert_eq!(mailbox_file_name(b"INBOX"), Some(b"/h/me/INBOX".to_vec()));
        assert_eq!(mailbox_file_name(b"~/x"), None);
    }

    #[test]
    fn mail_subdirectory_moves_the_mailbox_directory() {
        let _g = logged_in(b"me", b"/h/me");
        state().mail_subdir = Some(b"mail".to_vec());
        assert_eq!(mailbox_dir(), b"/h/me/mail".to_vec());
        assert_eq!(mailbox_file_name(b"x"), Some(b"/h/me/mail/x".to_vec()));
        assert_eq!(
            mailbox_dir_file(Some(b"a/"), Some(b"b")),
            Some(b"/h/me/mail/a/b".to_vec())
        );
        assert_eq!(mailbox_dir_file(None, None), Some(b"/h/me/mail".to_vec()));
    }

    #[test]
    fn protections_follow_the_namespace() {
        let _g = logged_in(b"me", b"/h/me");
        assert_eq!(dir_protection(b"x"), 0o700);
        assert_eq!(dir_protection(b"#FTP/x"), 0o755);
        assert_eq!(dir_protection(b"#public/x"), 0o777);
        assert_eq!(dir_protection(b"#shared/x"), 0o770);
        assert_eq!(mailbox_protection(b"x", None), 0o600);
        assert_eq!(mailbox_protection(b"x", Some(0o2755)), 0o2700);
        assert_eq!(mailbox_protection(b"#ftp/x", Some(0o755)), 0o755);
        assert_eq!(mailbox_protection(b"#shared/x", None), 0o660);
    }

    #[test]
    fn env_init_sets_up_each_kind_of_user() {
        let _g = logged_in(b"x", b"/x");
        params::set_string(Owner::Env, code::USERNAME, None);
        // A closed-box server: the home is the root of the jail.
        assert_eq!(env_init(Some(b"u"), None), Ok(true));
        assert_eq!(home_dir(), Some(Vec::new()));
        assert_eq!(system_inbox(), Some(b"INBOX".to_vec()));
        assert_eq!(namespaces(), [Some(NamespaceList::Home), None, None]);
        assert_eq!(user_name_full(), Ok((b"u".to_vec(), LoginState::LoggedIn)));
        assert_eq!(
            env_init(Some(b"u"), None),
            Err(Fatal("env_init called twice!"))
        );
        // Anonymous: the anonymous home, #ftp and friends only.
        *state() = State::new();
        params::set_string(Owner::Env, code::USERNAME, None);
        params::set_string(Owner::Env, code::SYSINBOX, None);
        assert_eq!(env_init(None, Some(b"/ignored")), Ok(true));
        let home = join(config::mailspool().as_bytes(), b"anonymous");
        assert_eq!(home_dir(), Some(home.clone()));
        assert_eq!(system_inbox(), Some(join(&home, b"INBOX")));
        assert_eq!(namespaces(), [None, None, Some(NamespaceList::Ftp)]);
        assert_eq!(
            user_name_full(),
            Ok((b"nobody".to_vec(), LoginState::Anonymous))
        );
        assert_eq!(mailbox_file_name(b"INBOX"), Some(join(&home, b"INBOX")));
        // An ordinary user with a home: other users by ~, then #shared.
        *state() = State::new();
        params::set_string(Owner::Env, code::USERNAME, None);
        params::set_string(Owner::Env, code::SYSINBOX, None);
        assert_eq!(env_init(Some(b"u"), Some(b"/h/u")), Ok(true));
        assert_eq!(
            namespaces(),
            [
                Some(NamespaceList::Home),
                Some(NamespaceList::UnixOther),
                Some(NamespaceList::Shared)
            ]
        );
        assert!(env_string(code::NEWSRC).is_some());
        assert_eq!(format_choices().1, Some(FormatChoice::SystemStandard));
    }

    #[test]
    fn lock_settings_have_the_original_defaults() {
        let _g = logged_in(b"me", b"/h/me");
        assert_eq!(lock_timeout_minutes(), 5);
        assert_eq!(lock_protection(), 0o666);
        assert!(lock_warnings());
        assert!(!closed_box());
        assert!(!hide_dot_files());
        assert!(!user_has_no_life());
        assert_eq!(list_max_level(), 20);
    }

    #[test]
    fn canonical_host_keeps_domain_literals() {
        assert_eq!(canonical_host(b"[127.0.0.1]"), b"[127.0.0.1]".to_vec());
        assert_eq!(
            canonical_host(b"no-such-host.invalid"),
            b"no-such-host.invalid".to_vec()
        );
    }
}
