//! Character sets: conversion to and from UTF-8, RFC 2047 encoded words,
//! modified UTF-7 mailbox names. Behaviour follows the original c-client
//! exactly, including its treatment of malformed input (see
//! `docs/charsets.md` for the few deliberate deviations).
#![forbid(unsafe_code)]

pub mod convert;
pub mod mime2;
pub mod mutf7;
pub mod registry;
pub mod rmap;
pub mod tables;
pub mod utf8;

/// The replacement character the original substitutes for bad input.
pub const UBOGON: u32 = 0xfffd;

pub use convert::{
    cs_get, infer_charset, text, text_cs, Canon, U8T_CANONICAL, U8T_CASECANON, U8T_DECOMPOSE,
};
pub use mime2::{mime2text, mime2text_log};
pub use mutf7::{from_mutf7, to_mutf7, utf7_invalid};
pub use registry::{charset, Charset, CsType, CHARSETS, SCRIPTS};
pub use rmap::{cstext, cstocstext, csvalidmap, rmap_gen, rmap_text};
