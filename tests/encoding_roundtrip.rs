//! Properties of the transfer encodings that hold for any input, checked on
//! pseudo-random buffers (the differential test checks exact bytes).

use c_client::message::encoding::{
    base64_decode, base64_encode, base64_encoded_len, qprint_decode, qprint_encode,
};

fn buffers() -> Vec<Vec<u8>> {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let pool: &[u8] = b" \t\r\n=.aZ\x00\x7f\x80\xff";
    let mut v = Vec::new();
    for i in 0..3000 {
        let len = (next() % 400) as usize;
        v.push(
            (0..len)
                .map(|_| {
                    if i % 2 == 0 {
                        next() as u8
                    } else {
                        pool[(next() % pool.len() as u64) as usize]
                    }
                })
                .collect(),
        );
    }
    v
}

#[test]
fn base64_round_trips_with_lines_of_60() {
    for b in buffers() {
        let enc = base64_encode(&b);
        assert_eq!(enc.len(), base64_encoded_len(b.len()));
        for line in enc.split(|&c| c == b'\n') {
            assert!(line.len() <= 61, "line too long");
        }
        assert!(enc.ends_with(b"\r\n"));
        let dec = base64_decode(&enc).expect("decodes");
        assert_eq!(dec.data, b);
        assert!(dec.warnings.is_empty());
    }
}

#[test]
fn qprint_round_trips_with_lines_of_76() {
    for b in buffers() {
        let enc = qprint_encode(&b);
        for line in enc.split(|&c| c == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            assert!(line.len() <= 76, "line too long: {}", line.len());
        }
        assert!(enc
            .iter()
            .all(|&c| c == b'\r' || c == b'\n' || (0x20..0x7f).contains(&c)));
        let dec = qprint_decode(&enc);
        assert_eq!(dec.data, b);
        assert!(dec.warnings.is_empty());
    }
}

#[test]
fn damaged_input_is_reported_not_fatal() {
    let d = base64_decode(b"aGVsbG8=\r\nappended text").unwrap();
    assert_eq!(d.data, b"hello");
    assert_eq!(d.warnings.len(), 1);
    assert!(base64_decode(b"aGVs!bG8=").is_none());
    let q = qprint_decode(b"a=ZZb=QQ");
    assert_eq!(q.data, b"a=ZZb=QQ");
    assert_eq!(q.warnings.len(), 1, "only the first bad escape is reported");
}
