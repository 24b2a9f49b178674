//! Integer constants: the headers write most of them as casts such as
//! `(long) 0x80`, which bindgen cannot evaluate, so we let the C compiler
//! tell us each macro's value and type.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Command;

/// Object-like macros defined in the headers of `dir`, in name order.
fn macro_names(dir: &Path) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for entry in fs::read_dir(dir).expect("read include dir") {
        let path = entry.expect("dir entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("h") {
            continue;
        }
        let text = String::from_utf8_lossy(&fs::read(&path).expect("read header")).to_string();
        for line in text.lines() {
            let rest = line.trim_start();
            let Some(rest) = rest.strip_prefix('#') else {
                continue;
            };
            let Some(rest) = rest.trim_start().strip_prefix("define") else {
                continue;
            };
            let rest = rest.trim_start();
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let after = &rest[name.len()..];
            // Function-like macros and empty definitions carry no value.
            if name.is_empty() || after.starts_with('(') || after.trim().is_empty() {
                continue;
            }
            if name.starts_with("__") || name.starts_with("_") {
                continue;
            }
            names.insert(name);
        }
    }
    names
}

const PROBE_HEAD: &str = r#"#include <stdio.h>
#include "c-client.h"
#include "imap4r1.h"
#define TYPE_OF(x) _Generic((x), int: "c_int", long: "c_long", unsigned int: "c_uint", \
  unsigned long: "c_ulong", short: "c_short", unsigned short: "c_ushort", char: "c_char", \
  unsigned char: "c_uchar", signed char: "c_schar", long long: "c_longlong", \
  unsigned long long: "c_ulonglong", default: "")
#define P(x) do { const char *t_ = TYPE_OF(x); if (*t_) { \
  if (t_[2] == 'u') printf("%s %s %llu\n", #x, t_, (unsigned long long)(x)); \
  else printf("%s %s %lld\n", #x, t_, (long long)(x)); } } while (0)
int main(void) {
"#;

/// Returns `pub const` lines for every macro of `dir` that is an integer
/// constant expression, typed as C types it.
pub fn integer_constants(dir: &Path) -> String {
    let work = std::env::temp_dir().join(format!("gen-bindings-{}", std::process::id()));
    fs::create_dir_all(&work).expect("temp dir");
    let src = work.join("probe.c");
    let exe = work.join("probe");
    let mut names: Vec<String> = macro_names(dir).into_iter().collect();
    let first_line = PROBE_HEAD.lines().count() + 1;
    // Drop the macros the compiler rejects (strings, expressions over
    // run-time state, renamed functions) until the probe builds.
    for _round in 0..50 {
        let mut code = String::from(PROBE_HEAD);
        for n in &names {
            code.push_str(&format!("P({n});\n"));
        }
        code.push_str("return 0; }\n");
        fs::write(&src, &code).expect("write probe");
        let out = Command::new("cc")
            .arg("-w")
            .arg("-Wl,--unresolved-symbols=ignore-all")
            .arg(format!("-I{}", dir.display()))
            .arg(&src)
            .arg("-o")
            .arg(&exe)
            .output()
            .expect("run cc");
        if out.status.success() {
            break;
        }
        let errs = String::from_utf8_lossy(&out.stderr);
        let mut bad = BTreeSet::new();
        let prefix = format!("{}:", src.display());
        for l in errs.lines() {
            if let Some(rest) = l.strip_prefix(&prefix) {
                if let Some(num) = rest.split(':').next().and_then(|s| s.parse::<usize>().ok()) {
                    if num >= first_line && num < first_line + names.len() {
                        bad.insert(num - first_line);
                    }
                }
            }
        }
        assert!(!bad.is_empty(), "probe failed to build:\n{errs}");
        names = names
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !bad.contains(i))
            .map(|(_, n)| n)
            .collect();
    }
    let out = Command::new(&exe).output().expect("run probe");
    let _ = fs::remove_dir_all(&work);
    let mut rust = String::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let mut parts = line.split(' ');
        let (Some(name), Some(ty), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let value = if ty.contains('u') || !value.starts_with('-') {
            value.to_string()
        } else {
            format!("({value})")
        };
        rust.push_str(&format!(
            "pub const {name}: ::std::os::raw::{ty} = {value};\n"
        ));
    }
    rust
}

/// `pub type` aliases for the record names the headers define as macros
/// (`#define BODY struct mail_bodystruct`), which bindgen does not see.
pub fn record_aliases(dir: &Path) -> String {
    let mut aliases = std::collections::BTreeMap::new();
    for entry in fs::read_dir(dir).expect("read include dir") {
        let path = entry.expect("dir entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("h") {
            continue;
        }
        let text = String::from_utf8_lossy(&fs::read(&path).expect("read header")).to_string();
        for line in text.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            if words.len() >= 4 && words[0] == "#define" && words[2] == "struct" {
                let target =
                    words[3].trim_end_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_');
                aliases.insert(words[1].to_string(), target.to_string());
            }
        }
    }
    let mut rust = String::new();
    for (name, target) in aliases {
        // Internal records (TCPSTREAM) are opaque to programs: skip any
        // whose struct is not part of the generated views.
        rust.push_str(&format!("pub type {name} = {target};\n"));
    }
    rust
}
