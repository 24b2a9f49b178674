#![no_main]
use c_client::charset::convert::{cs_get_src, decode, Canon, DbParam, Source, Tab};
use c_client::charset::rmap::{rmap_fill, rmap_text, ucs4_rmap_buf, ucs4_rmap_len};
use libfuzzer_sys::fuzz_target;

// Converters and reverse maps over caller-supplied tables and plane
// parameters (what the C exports hand in): any layout, any text, must not
// panic or index out of bounds.
fuzz_target!(|data: &[u8]| {
    if data.len() < 16 {
        return;
    }
    let (head, text) = data.split_at(16);
    let table: Vec<u16> = text
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    let param = |k: usize| DbParam {
        base_ku: head[k],
        base_ten: head[k + 1],
        max_ku: head[k + 2],
        max_ten: head[k + 3],
        tab: if head[k] & 1 == 0 {
            Tab::Slice(&table)
        } else {
            Tab::Offset(u32::from(head[k + 1]))
        },
    };
    let source = match head[0] % 8 {
        0 => Source::OneByte(Tab::Slice(&table)),
        1 => Source::OneByte8(Tab::Slice(&table)),
        2 => Source::Euc([param(1), param(5), param(9)]),
        3 => Source::DByte(param(1), head[13] & 1 != 0),
        4 => Source::DByte2([param(1), param(5)]),
        5 => Source::Sjis,
        6 => Source::Utf16,
        _ => Source::Iso2022,
    };
    let mut canon = Canon::from_flags(i64::from(head[14] & 6));
    let out = decode(text, &source, &mut canon).unwrap_or_default();
    let mut s = text;
    for _ in 0..64 {
        let c = cs_get_src(&source, &mut s);
        if c & 0x8000_0000 != 0 || s.is_empty() {
            break;
        }
    }
    let mut map = vec![0u16; 65536];
    if rmap_fill(&mut map, &source).is_ok() {
        let errch = u64::from(head[15]);
        let _ = rmap_text(&out, &map, errch, head[14] & 1 != 0);
        let ucs4: Vec<u64> = table.iter().map(|&v| u64::from(v) * 3).collect();
        if let Some(n) = ucs4_rmap_len(&ucs4, &map, errch) {
            assert_eq!(ucs4_rmap_buf(&ucs4, &map, errch).len(), n);
        }
    }
});
