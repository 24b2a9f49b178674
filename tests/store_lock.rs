//! The locking core against the real file system: dot-locks (create,
//! release, waiting, stale breaking, refusals), flock exclusion against
//! another process, session-lock names and holders, and the kiss of death
//! surrendering a session lock.

use c_client::store::events::{Level, Recorder};
use c_client::store::lock::{
    self, dot_lock_with, lock_work, session_lock_for, session_lock_name, DotLockRefused, FlockKind,
    LockOptions, SessionRefused, SessionRequest,
};
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, ErrorKind, Read};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("store-lock-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    fn file(&self, name: &str) -> PathBuf {
        let p = self.0.join(name);
        fs::write(&p, b"From a@b Sat Dec  5 10:00:00 2026\n\nx\n\n").unwrap();
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn bytes(p: &Path) -> Vec<u8> {
    p.as_os_str().as_encoded_bytes().to_vec()
}

fn options(timeout_minutes: i64, session_dir: &Path) -> LockOptions {
    LockOptions {
        timeout_minutes,
        lock_mode: 0o666,
        warn_on_lock_failure: true,
        closed_box: false,
        session_dir: bytes(session_dir),
        lock_program: None,
    }
}

fn lock_path(mailbox: &Path) -> PathBuf {
    let mut p = mailbox.as_os_str().to_owned();
    p.push(".lock");
    PathBuf::from(p)
}

#[test]
fn dot_lock_is_created_with_its_mode_and_removed_on_release() {
    let s = Scratch::new("dot");
    let m = s.file("box");
    let mut ev = Recorder::new();
    let held = dot_lock_with(&bytes(&m), None, &options(5, &s.0), &mut ev).unwrap();
    assert_eq!(held.path(), bytes(&lock_path(&m)));
    let meta = fs::symlink_metadata(lock_path(&m)).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o666);
    assert!(!held.through_helper());
    assert!(held.release());
    assert!(!lock_path(&m).exists());
    // No hitching posts are left behind.
    assert_eq!(fs::read_dir(&s.0).unwrap().count(), 1);
    assert!(ev.events.is_empty(), "{:?}", ev.events);
    // Dropping releases too.
    drop(dot_lock_with(&bytes(&m), None, &options(5, &s.0), &mut ev).unwrap());
    assert!(!lock_path(&m).exists());
}

#[test]
fn dot_lock_waits_for_the_holder() {
    let s = Scratch::new("wait");
    let m = s.file("box");
    let first = dot_lock_with(&bytes(&m), None, &options(5, &s.0), &mut Recorder::new()).unwrap();
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(2500));
        first.release()
    });
    let start = Instant::now();
    let mut ev = Recorder::new();
    let second = dot_lock_with(&bytes(&m), None, &options(1, &s.0), &mut ev).unwrap();
    assert!(releaser.join().unwrap());
    assert!(start.elapsed() >= Duration::from_secs(2));
    let name = m.display();
    assert_eq!(
        ev.logged(Level::Warn),
        [format!(
            "Mailbox {name} is locked, will override in 60 seconds..."
        )]
    );
    drop(second);
}

#[test]
fn stale_dot_lock_is_overridden() {
    let s = Scratch::new("stale");
    let m = s.file("box");
    fs::write(lock_path(&m), b"").unwrap();
    let mut ev = Recorder::new();
    // With a zero timeout every existing lock is stale.
    let held = dot_lock_with(&bytes(&m), None, &options(0, &s.0), &mut ev).unwrap();
    let name = m.display();
    assert_eq!(
        ev.logged(Level::Warn),
        [format!(
            "Mailbox {name} is locked, will override in 0 seconds..."
        )]
    );
    assert_eq!(
        ev.logged(Level::Info),
        [format!("Mailbox {name} lock overridden")]
    );
    assert_eq!(fs::metadata(lock_path(&m)).unwrap().mode() & 0o777, 0o666);
    drop(held);
    assert!(!lock_path(&m).exists());
}

#[test]
fn dot_lock_refuses_a_symlink_and_reports_failures() {
    let s = Scratch::new("refuse");
    let m = s.file("box");
    std::os::unix::fs::symlink("/nonexistent", lock_path(&m)).unwrap();
    let mut ev = Recorder::new();
    let r = dot_lock_with(&bytes(&m), None, &options(5, &s.0), &mut ev);
    assert_eq!(r.unwrap_err(), DotLockRefused::Symlink);
    assert_eq!(ev.logged(Level::Error), ["symbolic link on lock name"]);

    // A directory that does not exist: quiet without the mailbox open,
    // reported with it.
    let missing = s.0.join("nodir/box");
    let mut ev = Recorder::new();
    let r = dot_lock_with(&bytes(&missing), None, &options(5, &s.0), &mut ev);
    assert_eq!(r.unwrap_err(), DotLockRefused::Failed);
    assert!(ev.events.is_empty());
    let open = File::open(&m).unwrap();
    let fd = std::os::fd::AsRawFd::as_raw_fd(&open);
    let r = dot_lock_with(&bytes(&missing), Some(fd), &options(5, &s.0), &mut ev);
    assert_eq!(r.unwrap_err(), DotLockRefused::Failed);
    assert_eq!(
        ev.logged(Level::Warn),
        [format!(
            "Mailbox vulnerable - error creating {}.lock: No such file or directory",
            missing.display()
        )]
    );
    let long = vec![b'a'; 600];
    let r = dot_lock_with(&long, None, &options(5, &s.0), &mut ev);
    assert_eq!(r.unwrap_err(), DotLockRefused::NameTooLong);
}

#[test]
fn flock_excludes_another_process() {
    if !Path::new("/usr/bin/flock").exists() {
        eprintln!("skipped: no /usr/bin/flock to hold a lock from another process");
        return;
    }
    let s = Scratch::new("flock");
    let m = s.file("box");
    // Another process holds an exclusive lock until we close its stdin.
    let mut child = Command::new("/usr/bin/flock")
        .arg("-x")
        .arg(&m)
        .args(["sh", "-c", "echo held; read x"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line, "held\n");
    let f = File::open(&m).unwrap();
    let e = lock::flock(&f, FlockKind::Shared, true).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WouldBlock);
    drop(child.stdin.take());
    child.wait().unwrap();
    let held = lock::flock(&f, FlockKind::Exclusive, true).unwrap();
    // And the other way round: the other process cannot have it now.
    let status = Command::new("/usr/bin/flock")
        .args(["-n", "-s"])
        .arg(&m)
        .arg("true")
        .status()
        .unwrap();
    assert!(!status.success());
    held.release();
    let status = Command::new("/usr/bin/flock")
        .args(["-n", "-x"])
        .arg(&m)
        .arg("true")
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn session_lock_is_named_from_device_and_inode() {
    let s = Scratch::new("session");
    let m = s.file("box");
    let meta = fs::metadata(&m).unwrap();
    let expected = format!("/tmp/.{:x}.{:x}", meta.dev(), meta.ino());
    assert_eq!(
        session_lock_name(b"/tmp", meta.dev(), meta.ino()),
        expected.as_bytes()
    );
    assert_eq!(
        LockOptions::current().session_dir,
        b"/tmp",
        "session locks live in /tmp by default"
    );

    let opts = options(5, &s.0);
    let mut ev = Recorder::new();
    let held = lock_work(
        meta.dev(),
        meta.ino(),
        libc::LOCK_EX | libc::LOCK_NB,
        &opts,
        &mut ev,
    )
    .unwrap();
    let name = session_lock_name(&opts.session_dir, meta.dev(), meta.ino());
    assert_eq!(held.name(), name);
    let lmeta = fs::metadata(std::str::from_utf8(&name).unwrap()).unwrap();
    assert_eq!(lmeta.mode() & 0o777, 0o666);
    // A second open file cannot share an exclusive session lock; the file
    // names no PID yet.
    let again = lock_work(
        meta.dev(),
        meta.ino(),
        libc::LOCK_EX | libc::LOCK_NB,
        &opts,
        &mut ev,
    );
    assert_eq!(again.unwrap_err(), SessionRefused::Held { pid: None });
    held.unlock_shared();
    assert!(fs::metadata(std::str::from_utf8(&name).unwrap()).is_err());

    // A driver-style session notes our PID; a later opener that may not
    // send the kiss of death gives up at once with the read-only notice.
    let id = Some((meta.dev(), meta.ino()));
    let ours = session_lock_for(id, SessionRequest::default(), &opts, &mut ev).unwrap();
    let mut text = String::new();
    File::open(std::str::from_utf8(&name).unwrap())
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    assert_eq!(text, std::process::id().to_string());
    let refused = lock_work(
        meta.dev(),
        meta.ino(),
        libc::LOCK_EX | libc::LOCK_NB,
        &opts,
        &mut ev,
    );
    assert_eq!(
        refused.unwrap_err(),
        SessionRefused::Held {
            pid: Some(i64::from(std::process::id()))
        }
    );
    let mut ev = Recorder::new();
    let request = SessionRequest {
        silent: false,
        no_kiss_of_death: true,
    };
    assert!(session_lock_for(id, request, &opts, &mut ev).is_none());
    assert_eq!(
        ev.logged(Level::Warn),
        ["Mailbox is open by another process, access is readonly"]
    );
    // Silent streams try once and say nothing.
    let mut ev = Recorder::new();
    let silent = SessionRequest {
        silent: true,
        no_kiss_of_death: true,
    };
    assert!(session_lock_for(id, silent, &opts, &mut ev).is_none());
    assert!(ev.events.is_empty());
    ours.release();
    assert!(fs::metadata(std::str::from_utf8(&name).unwrap()).is_err());
    // A silent session writes no PID, so it cannot be asked to leave.
    let quiet = session_lock_for(id, silent, &opts, &mut ev).unwrap();
    assert_eq!(quiet.file().unwrap().metadata().unwrap().len(), 0);
}

#[test]
fn kiss_of_death_makes_the_holder_surrender() {
    let s = Scratch::new("kod");
    let m = s.file("box");
    let meta = fs::metadata(&m).unwrap();
    let id = Some((meta.dev(), meta.ino()));
    let opts = options(5, &s.0);
    // This process answers SIGUSR2 by raising the flag instead of dying.
    lock::accept_kiss_of_death();
    let holder =
        session_lock_for(id, SessionRequest::default(), &opts, &mut Recorder::new()).unwrap();
    assert!(!holder.surrender_requested());
    let opts2 = opts.clone();
    let newcomer = std::thread::spawn(move || {
        let mut ev = Recorder::new();
        let got = session_lock_for(id, SessionRequest::default(), &opts2, &mut ev);
        (got.is_some(), ev.logged(Level::Warn))
    });
    let start = Instant::now();
    while !holder.surrender_requested() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(holder.surrender_requested(), "no kiss of death arrived");
    holder.release();
    let (got, warnings) = newcomer.join().unwrap();
    assert!(got, "the newcomer did not get the lock: {warnings:?}");
    assert_eq!(
        warnings,
        [format!(
            "Trying to get mailbox lock from process {}",
            std::process::id()
        )]
    );
    lock::clear_surrender_request();
}

#[test]
fn mailbox_lock_for_a_read_takes_dot_lock_and_flock() {
    let s = Scratch::new("mbx");
    let m = s.file("box");
    let mut ev = Recorder::new();
    let mut open = OpenOptions::new();
    open.read(true);
    let locked = lock::lock_mailbox_file_with(
        &bytes(&m),
        &open,
        FlockKind::Shared,
        &options(5, &s.0),
        &mut ev,
    )
    .unwrap();
    assert!(lock_path(&m).exists());
    assert!(locked.dot_lock().is_some());
    let other = File::open(&m).unwrap();
    assert!(lock::flock(&other, FlockKind::Exclusive, true).is_err());
    let file = locked.unlock();
    assert!(!lock_path(&m).exists());
    assert!(lock::flock(&other, FlockKind::Exclusive, true).is_ok());
    drop(file);
    let _ = fs::set_permissions(&s.0, fs::Permissions::from_mode(0o755));
}
