use super::*;

#[test]
fn names() {
    assert!(name_valid(b"box"));
    assert!(name_valid(b"a/b"));
    assert!(name_valid(b"1a/b"));
    assert!(!name_valid(b"12"));
    assert!(!name_valid(b"a/12"));
    assert!(!name_valid(b""));
    assert!(name_valid(b"a/"));
    assert!(!name_valid(b"a//"));
    assert!(dirfmt_test(b".mxindex"));
    assert!(dirfmt_test(b"123"));
    assert!(!dirfmt_test(b"12a"));
}

#[test]
fn flag_words() {
    let f = Flags::SEEN.union(Flags::DRAFT).union(Flags::ANSWERED);
    assert_eq!(flag_word(f), F_SEEN | F_DRAFT | F_ANSWERED);
    assert_eq!(flags_of_word(flag_word(f)), f);
}
