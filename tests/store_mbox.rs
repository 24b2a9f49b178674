//! The "mbox" and "unix" drivers through the registry, in a home directory
//! of our own (its own process, so the environment can be set up once):
//! create, append, open INBOX as ~/mbox with new mail moved in from the
//! system inbox, delete and rename.

use c_client::env::params::{self, Owner};
use c_client::env::user;
use c_client::store::events::{Level, Recorder};
use c_client::store::flags::Flags;
use c_client::store::mailbox::{AppendMessage, OpenOptions};
use c_client::store::registry;

/// `SET_SYSINBOX`.
const SYSINBOX: i64 = 207;

#[test]
fn mbox_inbox_moves_new_mail_in() {
    let home = std::env::temp_dir().join(format!("store-mbox-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let home_bytes = home.as_os_str().as_encoded_bytes().to_vec();
    user::env_init(Some(b"tester"), Some(&home_bytes)).unwrap();
    let spool = home.join("spool");
    params::set_string(
        Owner::Env,
        SYSINBOX,
        Some(spool.as_os_str().as_encoded_bytes()),
    );
    let unix = registry::driver("unix").unwrap();
    let mbox = registry::driver("mbox").unwrap();
    let mut ev = Recorder::new();

    // No ~/mbox yet: INBOX is not the mbox driver's.
    assert!(!mbox.valid(b"INBOX"));
    unix.create(b"mbox", &mut ev).unwrap();
    assert!(mbox.valid(b"INBOX"));
    assert!(!mbox.valid(b"other"));

    // New mail waits in the system inbox.
    let message = |subject: &str, flags| AppendMessage {
        flags,
        keywords: Vec::new(),
        date: None,
        message: format!("Subject: {subject}\r\n\r\nbody of {subject}\r\n").into_bytes(),
    };
    std::fs::write(&spool, b"").unwrap();
    let spool_name = b"spool";
    unix.append(
        spool_name,
        &[message("one", Flags::NONE), message("two", Flags::SEEN)],
        &mut ev,
    )
    .unwrap();
    let spool_bytes = std::fs::read(&spool).unwrap();
    assert!(
        spool_bytes.starts_with(b"From "),
        "{}",
        String::from_utf8_lossy(&spool_bytes)
    );

    let mut inbox = mbox
        .open(b"INBOX", OpenOptions::default(), &mut ev)
        .unwrap();
    assert_eq!(inbox.driver_name(), "mbox");
    assert_eq!(inbox.count(), 2);
    assert_eq!(
        std::fs::metadata(&spool).unwrap().len(),
        0,
        "system inbox emptied"
    );
    let moved: Vec<String> = ev.logged(Level::Warn);
    assert!(
        moved.iter().any(|t| t.starts_with(&format!(
            "Moved {} bytes of new mail to ",
            spool_bytes.len()
        ))),
        "{moved:?}"
    );
    assert_eq!(&*inbox.text(2, &mut ev).unwrap(), b"body of two\r\n");
    assert!(inbox.info(2).flags.contains(Flags::SEEN));
    inbox.close(false, &mut ev);
    let stored = std::fs::read(home.join("mbox")).unwrap();
    // ~/mbox was made with the pseudo-message, which now records UID 2.
    let stored = String::from_utf8_lossy(&stored);
    assert!(
        stored.contains(" 0000000002\nStatus: RO\n") && stored.contains("\nX-UID: 2\n"),
        "{stored}"
    );

    // Appending to INBOX goes to ~/mbox; other names are refused.
    mbox.append(b"INBOX", &[message("three", Flags::NONE)], &mut ev)
        .unwrap();
    assert!(mbox
        .append(b"elsewhere", &[message("x", Flags::NONE)], &mut ev)
        .is_err());
    let st = mbox.status(b"INBOX", &mut ev).unwrap();
    assert_eq!(st.messages, Some(3));

    // Renaming INBOX moves ~/mbox away and makes a new empty one.
    mbox.rename(b"INBOX", b"saved", &mut ev).unwrap();
    let saved = unix
        .open(
            b"saved",
            OpenOptions {
                read_only: true,
                ..Default::default()
            },
            &mut ev,
        )
        .unwrap();
    assert_eq!(saved.count(), 3);
    let fresh = unix
        .open(
            b"mbox",
            OpenOptions {
                read_only: true,
                ..Default::default()
            },
            &mut ev,
        )
        .unwrap();
    assert_eq!(fresh.count(), 0);

    // Delete and rename of plain unix mailboxes.
    unix.rename(b"saved", b"dir/renamed", &mut ev).unwrap();
    assert!(home.join("dir/renamed").exists());
    unix.delete(b"dir/renamed", &mut ev).unwrap();
    assert!(!home.join("dir/renamed").exists());
    ev.take();
    assert!(unix.delete(b"nosuch", &mut ev).is_err());
    assert_eq!(
        ev.logged(Level::Error),
        vec!["Mailbox nosuch is in use by another process"]
    );
    std::fs::remove_dir_all(&home).unwrap();
}
