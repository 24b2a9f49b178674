//! The C exports of the RFC 2822 engine against the original: the same C
//! program (`c-tests/message/dump.c`, built once against the original's
//! headers) runs with the original library and with ours swapped in through
//! LD_LIBRARY_PATH; the outputs must be byte-identical.

use std::path::{Path, PathBuf};
use std::process::Command;

fn our_library() -> Option<PathBuf> {
    // target/<profile>/deps/<test> -> target/<profile>/libc_client.so
    let exe = std::env::current_exe().ok()?;
    let lib = exe.parent()?.parent()?.join("libc_client.so");
    lib.exists().then_some(lib)
}

fn setup() -> Option<(PathBuf, PathBuf)> {
    if !Path::new("/usr/include/c-client/c-client.h").exists() {
        eprintln!("SKIP: original c-client headers not installed");
        return None;
    }
    let Some(lib) = our_library() else {
        eprintln!("SKIP: our shared library was not built next to the tests");
        return None;
    };
    let dir = std::env::temp_dir().join(format!("msgabi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let exe = dir.join("dump");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("c-tests/message/dump.c");
    // NOFREE: the mail_free_* routines belong to another part of the library.
    let ok = Command::new("cc")
        .args(["-O1", "-w", "-DNOFREE", "-o"])
        .arg(&exe)
        .arg(&src)
        .args(["-I/usr/include/c-client", "-lc-client"])
        .status()
        .ok()?
        .success();
    if !ok {
        eprintln!("SKIP: could not build the dumper");
        return None;
    }
    let libdir = dir.join("ours");
    std::fs::create_dir_all(&libdir).ok()?;
    let link = libdir.join("libc-client.so.2007e");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&lib, &link).ok()?;
    Some((exe, libdir))
}

fn run(exe: &Path, libdir: Option<&Path>, mode: &str, input: &Path) -> Vec<u8> {
    let mut c = Command::new(exe);
    if let Some(d) = libdir {
        c.env("LD_LIBRARY_PATH", d);
    }
    let out = c.arg(mode).arg(input).output().expect("run dumper");
    assert!(
        out.status.success(),
        "dumper failed ({mode} {})",
        input.display()
    );
    out.stdout
}

#[test]
fn c_exports_match_original() {
    let Some((exe, ours)) = setup() else { return };
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/message");
    let mut inputs: Vec<(&str, PathBuf)> = vec![
        ("adr", data.join("addresses.txt")),
        ("scan", data.join("scan.txt")),
        ("scan", data.join("addresses.txt")),
    ];
    let mut msgs: Vec<PathBuf> = std::fs::read_dir(data.join("msg"))
        .expect("msg dir")
        .map(|e| e.expect("entry").path())
        .collect();
    msgs.sort();
    inputs.extend(msgs.into_iter().map(|p| ("msg", p)));
    let mut same = 0;
    for (mode, p) in &inputs {
        let a = run(&exe, None, mode, p);
        let b = run(&exe, Some(&ours), mode, p);
        assert!(
            a == b,
            "{} differs:\n--- original\n{}\n--- ours\n{}",
            p.display(),
            String::from_utf8_lossy(&a),
            String::from_utf8_lossy(&b)
        );
        same += 1;
    }
    eprintln!(
        "C exports: {same}/{} inputs identical to the original",
        inputs.len()
    );
}
