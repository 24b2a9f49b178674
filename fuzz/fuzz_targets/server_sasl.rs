#![no_main]
//! Untrusted client input to the server halves of the authenticators: a
//! PLAIN response, a CRAM-MD5 response checked against a challenge, an APOP
//! digest, a LOGIN user name with an administrator part, and the CRAM-MD5
//! password file's parser; nothing panics and every PLAIN split
//! has a non-empty password without NUL.
use c_client::server::sasl::{
    apop_ok, cram_ok, lookup_md5_password, parse_cram, parse_plain, plain_login_names,
    secret_owner, split_admin,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((aid, user, pass)) = parse_plain(data) {
        assert!(!pass.is_empty() && !pass.contains(&0));
        let _ = plain_login_names(aid, user);
    }
    let chal = b"<1.2@fuzz.example>";
    if let Some(r) = parse_cram(data) {
        let _ = secret_owner(r.user, r.authuser);
        let _ = cram_ok(chal, b"a secret", r.digest);
    }
    let _ = apop_ok(chal, data, data);
    let _ = split_admin(data);
    let _ = lookup_md5_password(data, b"fred");
    let _ = lookup_md5_password(data, data);
});
