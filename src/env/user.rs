//! The user's environment as the local drivers see it: login name, home
//! directory, host name, system inbox, and where a local mailbox name lives.
//!
//! SKELETON: the first versions below are placeholders so the drivers can be
//! written against this interface; the environment work replaces their
//! insides (password database, `mail_parameters` settings, `dorc`,
//! namespaces, the port's spool path).

use crate::store::names::LocalName;

/// The login name (`myusername`).
pub fn user_name() -> Option<Vec<u8>> {
    std::env::var_os("USER").map(|v| v.into_encoded_bytes())
}

/// The home directory (`myhomedir`).
pub fn home_dir() -> Option<Vec<u8>> {
    std::env::var_os("HOME").map(|v| v.into_encoded_bytes())
}

/// This host's name (`mylocalhost`).
pub fn local_host() -> Vec<u8> {
    b"localhost".to_vec()
}

/// The system inbox file (`sysinbox`).
pub fn system_inbox() -> Option<Vec<u8>> {
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

/// Login name of the account with numeric id `uid`, for drivers that name
/// a file's owner. SKELETON: the environment work fills this in from the
/// password database.
pub fn user_name_of(_uid: u32) -> Option<Vec<u8>> {
    None
}
