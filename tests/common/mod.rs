//! Running a C oracle for the differential tests: compile a probe program
//! against the installed original, and run it (as the unprivileged test user
//! when we are root, since the original refuses local mailboxes as root).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Gives `p` the given permission bits (best effort).
pub fn set_mode(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode));
}

/// Compiles `src` (relative to the repository) against the original into
/// `<tmp>/<dir>-<pid>/<exe>`, a directory the test user can enter, with
/// `compiler` and `flags`; or says why it cannot.
pub fn compile_oracle(
    compiler: &str,
    flags: &[&str],
    src: &str,
    dir: &str,
    exe: &str,
) -> Result<PathBuf, String> {
    if !Path::new("/usr/include/c-client/c-client.h").exists() {
        return Err("original c-client headers not installed".into());
    }
    let dir = std::env::temp_dir().join(format!("{dir}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    set_mode(&dir, 0o755);
    let exe = dir.join(exe);
    let out = Command::new(compiler)
        .args(flags)
        .arg("-I/usr/include/c-client")
        .arg(repo().join(src))
        .arg("-o")
        .arg(&exe)
        .arg("-lc-client")
        .output()
        .map_err(|e| format!("{compiler}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "probe does not compile: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(exe)
}

/// A command running `exe`, through `runuser` as the test user when root.
pub fn oracle_command(exe: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "cloudsdk", "--"]).arg(exe);
        c
    } else {
        Command::new(exe)
    }
}

/// Our library as built by `make` (build/lib), if present.
pub fn our_lib() -> Option<PathBuf> {
    let dir = repo().join("build/lib");
    dir.join("libc-client.so.2007e").exists().then_some(dir)
}

/// Runs `cmd` with `input` on its stdin (written from another thread, so a
/// large input cannot deadlock against a full stdout pipe) and returns its
/// stdout; panics unless it exits successfully.
pub fn run_with_input(mut cmd: Command, input: Vec<u8>) -> Vec<u8> {
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped());
    let mut child = cmd.spawn().expect("run probe");
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("probe output");
    writer.join().unwrap();
    assert!(out.status.success(), "probe failed: {:?}", out.status);
    out.stdout
}
