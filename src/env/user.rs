//! The user's environment as the local drivers see it: login name, home
//! directory, host name, system inbox, and where a local mailbox name lives.
//!
//! SKELETON: the first versions below are placeholders so the drivers can be
//! written against this interface; the environment work replaces their
//! insides (password database, `mail_parameters` settings, `dorc`,
//! namespaces, the port's spool path).

use crate::store::names::LocalName;
use std::collections::HashMap;
use std::sync::Mutex;

/// Strings set through `mail_parameters` (USERNAME 201, HOMEDIR 203,
/// SYSINBOX 207, by GET code), which take precedence over the process
/// environment. The C adapter records each SET here.
static SETTINGS: Mutex<Option<HashMap<i64, Vec<u8>>>> = Mutex::new(None);

/// Records (or with None, forgets) the string setting `code`.
pub fn record_setting(code: i64, value: Option<&[u8]>) {
    let mut settings = SETTINGS.lock().unwrap_or_else(|e| e.into_inner());
    let map = settings.get_or_insert_with(HashMap::new);
    match value {
        Some(v) => map.insert(code, v.to_vec()),
        None => map.remove(&code),
    };
}

fn setting(code: i64) -> Option<Vec<u8>> {
    let settings = SETTINGS.lock().unwrap_or_else(|e| e.into_inner());
    settings.as_ref()?.get(&code).cloned()
}

/// The login name (`myusername`).
pub fn user_name() -> Option<Vec<u8>> {
    if let Some(v) = setting(201) {
        return Some(v);
    }
    std::env::var_os("USER").map(|v| v.into_encoded_bytes())
}

/// The home directory (`myhomedir`).
pub fn home_dir() -> Option<Vec<u8>> {
    if let Some(v) = setting(203) {
        return Some(v);
    }
    std::env::var_os("HOME").map(|v| v.into_encoded_bytes())
}

/// This host's name (`mylocalhost`).
pub fn local_host() -> Vec<u8> {
    b"localhost".to_vec()
}

/// The system inbox file (`sysinbox`).
pub fn system_inbox() -> Option<Vec<u8>> {
    if let Some(v) = setting(207) {
        return Some(v);
    }
    let mut p = crate::env::config::MAILSPOOL.as_bytes().to_vec();
    p.push(b'/');
    p.extend_from_slice(&user_name()?);
    Some(p)
}

/// Where local mailbox `name` lives (`mailboxfile`): INBOX, or a path.
/// None for a name this build refuses.
pub fn mailbox_file(name: &[u8]) -> Option<LocalName> {
    crate::store::names::local_mailbox_file(name, &home_dir()?)
}
