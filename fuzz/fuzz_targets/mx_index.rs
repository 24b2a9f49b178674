#![no_main]
//! Any bytes as an mx `.mxindex`: reading must not panic, and what it
//! read must write back into an index that reads the same.
use c_client::store::mx::index;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let ix = index::parse(data);
    let keywords: Vec<Vec<u8>> = ix
        .keywords
        .iter()
        .map_while(|k| k.clone())
        .filter(|k| !k.contains(&b'\n') && !k.contains(&0))
        .collect();
    let out = index::write(
        ix.validity.unwrap_or(0),
        ix.last.unwrap_or(0),
        &keywords,
        &ix.records,
    );
    let again = index::parse(&out);
    assert!(again.errors.is_empty());
    assert_eq!(again.records.len(), ix.records.len());
    assert_eq!(again.keywords.len(), keywords.len().min(index::MAX_KEYWORDS));
});
