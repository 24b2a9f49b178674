//! The core dummy driver over a scratch home: LIST with `*` and `%`, the
//! attributes, a symlink loop, LSUB superiors, create/delete/rename and
//! their messages, open refusals. Events are watched with a Recorder.

mod abi_support;

use c_client::store::dummy::{self, Chain};
use c_client::store::events::{attributes as latt, Event, Level, Recorder};
use std::fs;
use std::os::unix::fs::symlink;

/// A chain in which no other driver claims anything.
struct NoDrivers;
impl Chain for NoDrivers {
    fn claimed_by(&mut self, name: &[u8]) -> Option<Vec<u8>> {
        dummy::valid(name).then(|| b"dummy".to_vec())
    }
    fn directory_format(&mut self, _: &[u8]) -> bool {
        false
    }
    fn directory_format_owns(&mut self, _: &[u8], _: &[u8]) -> bool {
        false
    }
    fn scan_contents(&mut self, _: Option<&[u8]>, path: &[u8], contents: &[u8], size: u64) -> bool {
        dummy::scan_file(path, contents, size)
    }
}

fn listed(reference: Option<&str>, pattern: &str, contents: Option<&str>) -> Vec<(String, i64)> {
    let mut rec = Recorder::new();
    dummy::scan(
        &mut NoDrivers,
        reference.map(str::as_bytes),
        pattern.as_bytes(),
        contents.map(str::as_bytes),
        &mut rec,
    );
    let mut out: Vec<(String, i64)> = rec
        .take()
        .into_iter()
        .filter_map(|e| match e {
            Event::List(_, n, a) => Some((String::from_utf8_lossy(&n).into_owned(), a)),
            _ => None,
        })
        .collect();
    out.sort();
    out
}

fn names(v: &[(String, i64)]) -> Vec<&str> {
    v.iter().map(|(n, _)| n.as_str()).collect()
}

#[test]
fn the_dummy_driver_over_a_scratch_home() {
    let home = std::env::temp_dir().join(format!("store-dummy-{}", std::process::id()));
    let _ = fs::remove_dir_all(&home);
    fs::create_dir_all(home.join("t/dir/sub")).unwrap();
    fs::create_dir_all(home.join("t/empty")).unwrap();
    fs::write(home.join("t/box"), b"").unwrap();
    fs::write(home.join("t/text"), b"a needle here\n").unwrap();
    fs::write(home.join("t/dir/a"), b"").unwrap();
    fs::write(home.join("t/dir/sub/b"), b"NEEDLE\n").unwrap();
    symlink(".", home.join("t/dir/loop")).unwrap();
    symlink("self", home.join("t/self")).unwrap();
    // The home: through env_init where the environment has it (as the
    // original, it serves root only so), else from HOME when the
    // environment is first asked (this test binary asks nothing before).
    std::env::set_var("HOME", &home);
    let user = std::ffi::CString::new("tester").unwrap();
    let dir = std::ffi::CString::new(home.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: NUL-terminated strings that outlive the call. (Until the
    // environment is implemented the export is a safe stub.)
    #[allow(unused_unsafe)]
    unsafe {
        c_client::abi::exports::env_init(user.as_ptr() as *mut _, dir.as_ptr() as *mut _)
    };

    // `%` stays on one level; directories are \NoSelect with children info.
    let top = listed(None, "t/%", None);
    assert_eq!(names(&top), ["t/", "t/box", "t/dir", "t/empty", "t/text"]);
    let attr = |v: &[(String, i64)], n: &str| v.iter().find(|(x, _)| x == n).map(|(_, a)| *a);
    assert_eq!(
        attr(&top, "t/dir"),
        Some(latt::NOSELECT | latt::HASCHILDREN)
    );
    assert_eq!(
        attr(&top, "t/empty"),
        Some(latt::NOSELECT | latt::HASNOCHILDREN)
    );
    assert_eq!(
        attr(&top, "t/box").map(|a| a & latt::NOINFERIORS),
        Some(latt::NOINFERIORS)
    );

    // `*` descends, through the loop, but only LISTMAXLEVEL deep.
    let all = listed(None, "t/*", None);
    assert!(names(&all).contains(&"t/dir/sub/b"));
    let deepest = all
        .iter()
        .map(|(n, _)| n.matches("loop").count())
        .max()
        .unwrap();
    assert_eq!(deepest, 20);

    // A reference applies to the pattern; contents filter the files.
    assert_eq!(
        names(&listed(Some("t/dir/"), "%", None)),
        ["t/dir/", "t/dir/a", "t/dir/loop", "t/dir/sub"]
    );
    assert_eq!(
        names(&listed(None, "t/*", Some("needle")))
            .into_iter()
            .filter(|n| !n.contains("loop"))
            .collect::<Vec<_>>(),
        ["t/dir/sub/b", "t/text"]
    );
    assert_eq!(
        listed(None, "INBOX", None),
        [("INBOX".to_string(), latt::NOINFERIORS)]
    );
    let mut rec = Recorder::new();
    assert_eq!(
        dummy::canonicalize(None, "%%%%%%%%%%%".as_bytes(), &mut rec),
        None
    );
    assert_eq!(
        rec.logged(Level::Error),
        ["Excessive wildcards in LIST/LSUB"]
    );

    // LSUB: with a trailing %, superiors of deeper names as \NoSelect.
    let subs = vec![
        b"t/dir/sub/b".to_vec(),
        b"INBOX".to_vec(),
        b"t/box".to_vec(),
    ];
    let mut rec = Recorder::new();
    dummy::lsub(None, b"t/%", &subs, &mut rec);
    assert_eq!(
        rec.take(),
        [
            Event::Lsub(Some(b'/'), b"t/dir".to_vec(), latt::NOSELECT),
            Event::Lsub(Some(b'/'), b"t/box".to_vec(), 0),
        ]
    );

    // Create, rename, delete, with the original's messages on failure.
    let mut rec = Recorder::new();
    assert!(dummy::create(b"t/new/deep/box", &mut rec));
    assert!(home.join("t/new/deep/box").is_file());
    assert!(!dummy::create(b"t/new/deep/box", &mut rec));
    assert_eq!(
        rec.logged(Level::Error),
        ["Can't create mailbox node ".to_string()
            + &home.join("t/new/deep/box").to_string_lossy()
            + ": File exists"]
    );
    assert!(!dummy::create(b"INBOX", &mut rec));
    // A missing superior is created from its path, which (as with Debian's
    // original) is not an acceptable name.
    let mut rec = Recorder::new();
    assert!(!dummy::rename(b"t/new/deep/box", b"t/moved/box", &mut rec));
    assert!(rec.logged(Level::Error)[0].ends_with("/t/moved/: invalid name"));
    assert!(dummy::create(b"t/moved/", &mut rec));
    assert!(dummy::rename(b"t/new/deep/box", b"t/moved/box", &mut rec));
    assert!(home.join("t/moved/box").is_file());
    let mut rec = Recorder::new();
    assert!(!dummy::rename(b"t/box", b"t/boxdir/", &mut rec));
    assert_eq!(
        rec.logged(Level::Error),
        ["Can't rename t/box to t/boxdir/: invalid name"]
    );
    assert!(!dummy::delete(b"t/dir", &mut rec));
    assert!(
        rec.logged(Level::Error)[1].starts_with("Can't delete mailbox t/dir: Directory not empty")
    );
    assert!(dummy::delete(b"t/moved/box", &mut rec));
    assert!(dummy::delete(b"t/moved/", &mut rec));
    assert!(!home.join("t/moved").exists());

    // Opening: empty files only.
    assert_eq!(dummy::open_error(b"t/box"), None);
    assert_eq!(
        dummy::open_error(b"t/dir"),
        Some(b"Can't open t/dir: not a selectable mailbox".to_vec())
    );
    let text = dummy::open_error(b"t/text").unwrap();
    assert!(String::from_utf8_lossy(&text).ends_with("): not in valid mailbox format"));
    assert_eq!(
        dummy::open_error(b"t/none"),
        Some(b"No such file or directory: t/none".to_vec())
    );

    let _ = fs::remove_dir_all(&home);
}
