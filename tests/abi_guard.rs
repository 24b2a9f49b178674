//! The panic barrier of the C boundary: `guard` turns a panic into the
//! export's failure value plus an `mm_log` error, and the reporting paths
//! that run outside any guard (`log`, the not-available stubs) hold up.

mod abi_support;

use abi_support::LOGGED;
use c_client::abi::{guard, log, report_unavailable};
use std::os::raw::{c_char, c_long};

/// Log lines that mention `tag` (tests share one log and run in parallel).
fn logged_with(tag: &str) -> Vec<String> {
    LOGGED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .filter(|l| l.contains(tag))
        .cloned()
        .collect()
}

/// Keeps the default hook's "thread panicked" lines out of the test output
/// only for the panics these tests provoke on purpose.
fn quiet_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let msg = info
                .payload()
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| info.payload().downcast_ref::<String>().map(|s| s.as_str()))
                .unwrap_or("");
            if !msg.starts_with("provoked:") {
                default(info);
            }
        }));
    });
}

#[test]
fn panic_becomes_failure_value_and_error() {
    quiet_panics();
    let r: c_long = guard("guard_probe_long", -7, || panic!("provoked: long"));
    assert_eq!(r, -7);
    let p: *mut c_char = guard("guard_probe_ptr", std::ptr::null_mut(), || {
        let v: Vec<u8> = Vec::new();
        // An out-of-bounds index, the kind of bug the barrier is for.
        let i = v.len() + usize::from(r != 0);
        if i > 0 {
            panic!("provoked: index {i}");
        }
        v.as_ptr() as *mut c_char
    });
    assert!(p.is_null());
    let mut ran = false;
    guard("guard_probe_void", (), || {
        ran = true;
        panic!("provoked: void")
    });
    assert!(ran);
    for name in ["guard_probe_long", "guard_probe_ptr", "guard_probe_void"] {
        assert_eq!(
            logged_with(name),
            vec![format!("{name}: internal error, operation abandoned")]
        );
    }
}

#[test]
fn success_passes_value_through_without_logging() {
    let r = guard("guard_probe_ok", 0, || 41 + 1);
    assert_eq!(r, 42);
    let text = String::from("kept");
    let got = guard("guard_probe_ok", String::new(), || text.clone());
    assert_eq!(got, "kept");
    assert!(logged_with("guard_probe_ok").is_empty());
}

#[test]
fn nested_guard_contains_the_inner_panic() {
    quiet_panics();
    let outer = guard("guard_probe_outer", 0, || {
        let inner: c_long = guard("guard_probe_inner", 5, || panic!("provoked: inner"));
        inner * 10
    });
    assert_eq!(outer, 50);
    assert_eq!(logged_with("guard_probe_inner").len(), 1);
    assert!(logged_with("guard_probe_outer").is_empty());
}

/// A panic payload whose destructor panics again must not escape either.
#[test]
fn payload_with_panicking_drop_is_contained() {
    quiet_panics();
    struct Nasty;
    impl Drop for Nasty {
        fn drop(&mut self) {
            panic!("provoked: payload drop");
        }
    }
    let r = guard("guard_probe_nasty", 3u8, || std::panic::panic_any(Nasty));
    assert_eq!(r, 3);
    assert_eq!(logged_with("guard_probe_nasty").len(), 1);
}

#[test]
fn log_cuts_at_nul_and_reports_each_call() {
    log("guard_probe_nul before\0after", 1);
    assert_eq!(
        logged_with("guard_probe_nul"),
        vec!["guard_probe_nul before"]
    );
    report_unavailable("guard_probe_stub");
    report_unavailable("guard_probe_stub");
    assert_eq!(
        logged_with("guard_probe_stub"),
        vec![
            "guard_probe_stub: not available in this version of c-client",
            "guard_probe_stub: not available in this version of c-client"
        ]
    );
}
