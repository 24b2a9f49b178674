//! The Berkeley driver for a user with no life (USERHASNOLIFE): no UIDs or
//! keywords are kept, so a rewrite writes no X-IMAPbase, X-Keywords or
//! X-UID lines. Compared with what the original wrote for the
//! tests/data/unix/cases/nolife-* files (c-tests/unix/make-data.sh). Its
//! own process, since the setting is process-wide.

use c_client::env::params::{self, Owner};
use c_client::store::unix::format::{Kind, Now};
use c_client::store::unix::rewritten_kind;

/// `SET_USERHASNOLIFE`.
const USERHASNOLIFE: i64 = 536;

#[test]
fn no_life_rewrites_match_the_original() {
    let entry = params::entry(Owner::Env, USERHASNOLIFE).expect("USERHASNOLIFE");
    params::store(entry, 1);
    let dir = format!("{}/tests/data/unix/cases", env!("CARGO_MANIFEST_DIR"));
    let now = Now::current();
    let mut seen = 0;
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(case) = name
            .strip_prefix("nolife-")
            .and_then(|n| n.strip_suffix(".in"))
        else {
            continue;
        };
        let input = std::fs::read(e.path()).unwrap();
        let output = std::fs::read(format!("{dir}/nolife-{case}.out")).unwrap();
        let report = std::fs::read_to_string(format!("{dir}/nolife-{case}.txt")).unwrap();
        let (count, bytes) = rewritten_kind(Kind::Unix, &input, &now, b"host").unwrap();
        let expected: u32 = report
            .lines()
            .find_map(|l| l.strip_prefix("driver unix nmsgs "))
            .and_then(|l| l.split(' ').next())
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(count, expected, "{case}");
        assert!(
            !report.contains("log "),
            "{case}: the original logged nothing"
        );
        assert_eq!(
            String::from_utf8_lossy(&bytes),
            String::from_utf8_lossy(&output),
            "{case}"
        );
        seen += 1;
    }
    assert!(seen > 0);
}
