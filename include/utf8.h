/*
 * utf8.h -- Unicode and charsets: conversion to and from UTF-8, charset tables, widths.
 *
 * Part of the memory-safe c-client replacement; interface-compatible with
 * UW IMAP 2007f.  Blocks between BEGIN/END GENERATED markers come from the
 * ABI tables (tools/gen-headers/gen-headers.py).
 */

#ifndef CCLIENT_UTF8_H_INCLUDED
#define CCLIENT_UTF8_H_INCLUDED

/* Charset types, flags, ISO 2022 designators, script bits, Unicode code
 * points and error codes. */
/* BEGIN GENERATED constants */
#define BIT8 128
#define BITS7 127
#define BRITISH_POUNDSTERLING 35
#define CF_DISPLAY 2
#define CF_NOEMAIL 16
#define CF_POSTING 4
#define CF_PRIMARY 1
#define CF_UNSUPRT 8
#define CT_1BYTE 11
#define CT_1BYTE0 10
#define CT_1BYTE8 12
#define CT_2022 0x2710
#define CT_ASCII 1
#define CT_DBYTE 101
#define CT_DBYTE2 102
#define CT_EUC 100
#define CT_SJIS 0x2711
#define CT_UCS2 2
#define CT_UCS4 3
#define CT_UNKNOWN 0
#define CT_UTF16 1000
#define CT_UTF7 1002
#define CT_UTF8 1001
#define EUC_CS2 142
#define EUC_CS3 143
#define I2CS_94 0
#define I2CS_94_ASCII 66
#define I2CS_94_BRITISH 65
#define I2CS_94_JIS_BUGROM 72
#define I2CS_94_JIS_KANA 73
#define I2CS_94_JIS_ROMAN 74
#define I2CS_94x94 512
#define I2CS_94x94_CNS1 71
#define I2CS_94x94_CNS2 72
#define I2CS_94x94_CNS3 73
#define I2CS_94x94_CNS4 74
#define I2CS_94x94_CNS5 75
#define I2CS_94x94_CNS6 76
#define I2CS_94x94_CNS7 77
#define I2CS_94x94_GB 65
#define I2CS_94x94_JIS_EXT 68
#define I2CS_94x94_JIS_NEW 66
#define I2CS_94x94_JIS_OLD 64
#define I2CS_94x94_KSC 67
#define I2CS_96 256
#define I2CS_96_ISO8859_1 65
#define I2CS_96_ISO8859_10 86
#define I2CS_96_ISO8859_13 89
#define I2CS_96_ISO8859_14 92
#define I2CS_96_ISO8859_15 98
#define I2CS_96_ISO8859_16 102
#define I2CS_96_ISO8859_2 66
#define I2CS_96_ISO8859_3 67
#define I2CS_96_ISO8859_4 68
#define I2CS_96_ISO8859_5 76
#define I2CS_96_ISO8859_6 71
#define I2CS_96_ISO8859_7 70
#define I2CS_96_ISO8859_8 72
#define I2CS_96_ISO8859_9 77
#define I2CS_96_TIS620 84
#define I2CS_96_VSCII 90
#define I2CS_96x96 768
#define I2CS_ASCII 66
#define I2CS_BRITISH 65
#define I2CS_CNS1 583
#define I2CS_CNS2 584
#define I2CS_CNS3 585
#define I2CS_CNS4 586
#define I2CS_CNS5 587
#define I2CS_CNS6 588
#define I2CS_CNS7 589
#define I2CS_GB 577
#define I2CS_ISO8859_1 321
#define I2CS_ISO8859_10 342
#define I2CS_ISO8859_13 345
#define I2CS_ISO8859_14 348
#define I2CS_ISO8859_15 354
#define I2CS_ISO8859_16 358
#define I2CS_ISO8859_2 322
#define I2CS_ISO8859_3 323
#define I2CS_ISO8859_4 324
#define I2CS_ISO8859_5 332
#define I2CS_ISO8859_6 327
#define I2CS_ISO8859_7 326
#define I2CS_ISO8859_8 328
#define I2CS_ISO8859_9 333
#define I2CS_JIS_BUGROM 72
#define I2CS_JIS_EXT 580
#define I2CS_JIS_KANA 73
#define I2CS_JIS_NEW 578
#define I2CS_JIS_OLD 576
#define I2CS_JIS_ROMAN 74
#define I2CS_KSC 579
#define I2CS_MUL 512
#define I2CS_TIS620 340
#define I2CS_VSCII 346
#define I2C_C0 33
#define I2C_C1 34
#define I2C_CONTROL 35
#define I2C_ESC 27
#define I2C_G0 0
#define I2C_G0_94 40
#define I2C_G0_96 44
#define I2C_G1 1
#define I2C_G1_94 41
#define I2C_G1_96 45
#define I2C_G2 2
#define I2C_G2_94 42
#define I2C_G2_96 46
#define I2C_G3 3
#define I2C_G3_94 43
#define I2C_G3_96 47
#define I2C_LS1R 126
#define I2C_LS2 110
#define I2C_LS2R 125
#define I2C_LS3 111
#define I2C_LS3R 124
#define I2C_MULTI 36
#define I2C_OTHER 37
#define I2C_REVISED 38
#define I2C_SG2 8
#define I2C_SG3 12
#define I2C_SI 15
#define I2C_SO 14
#define I2C_SS2 78
#define I2C_SS2_ALT 142
#define I2C_SS2_ALT_7 25
#define I2C_SS3 79
#define I2C_SS3_ALT 143
#define I2C_SS3_ALT_7 29
#define I2C_STRUCTURE 32
#define I2S_CHAR 0
#define I2S_ESC 1
#define I2S_INT 3
#define I2S_MUL 2
#define JISROMAN_OVERLINE 126
#define JISROMAN_YEN 92
#define KANA_7 0xff40
#define KANA_8 0xfec0
#define MAX_KANA_7 96
#define MAX_KANA_8 224
#define MIN_KANA_7 33
#define MIN_KANA_8 161
#define NOCHAR 0xffff
#define SC_ARABIC 0x2000
#define SC_CHINESE_SIMPLIFIED 0x1000000
#define SC_CHINESE_TRADITIONAL 0x2000000
#define SC_CYRILLIC 0x4000
#define SC_GREEK 0x8000
#define SC_HEBREW 0x10000
#define SC_JAPANESE 0x4000000
#define SC_KOREAN 0x8000000
#define SC_LATIN_0 0x1000
#define SC_LATIN_1 16
#define SC_LATIN_10 0x80000
#define SC_LATIN_2 32
#define SC_LATIN_3 64
#define SC_LATIN_4 128
#define SC_LATIN_5 256
#define SC_LATIN_6 512
#define SC_LATIN_7 1024
#define SC_LATIN_8 2048
#define SC_LATIN_9 0x1000
#define SC_THAI 0x20000
#define SC_UKRANIAN 0x40000
#define SC_UNICODE 1
#define SC_VIETNAMESE 0x100000
#define U4W_CONTROL 0x80000005U
#define U4W_CTLSRGT 0x80000005U
#define U4W_ERROR 0x80000000U
#define U4W_NOTUNCD 0x80000001U
#define U4W_PRIVATE 0x80000002U
#define U4W_SSPCHAR 0x80000003U
#define U4W_UNASSGN 0x80000004U
#define U7_ASCII 0
#define U7_MINUS 3
#define U7_PLUS 1
#define U7_UNICODE 2
#define U8GM_NONBMP 0xffff0000U
#define U8G_BADCONT 0x80000001U
#define U8G_ENDSTRG 0x80000004U
#define U8G_ENDSTRI 0x80000005U
#define U8G_ERROR 0x80000000U
#define U8G_INCMPLT 0x80000002U
#define U8G_NOTUNIC 0x80000007U
#define U8G_NOTUTF8 0x80000003U
#define U8G_SURROGA 0x80000006U
#define U8T_CANONICAL 6
#define U8T_CASECANON 2
#define U8T_DECOMPOSE 4
#define UBOGON 0xfffd
#define UCS2_BOGON 0xfffd
#define UCS2_BOM 0xfeff
#define UCS2_BOMCHECK 0xfffe
#define UCS2_C0CONTROL 0
#define UCS2_C0CONTROLEND 31
#define UCS2_C1CONTROL 128
#define UCS2_C1CONTROLEND 159
#define UCS2_EURO 0x20ac
#define UCS2_KATAKANA 0xff61
#define UCS2_NOTCHAR 0xffff
#define UCS2_OVERLINE 0x203e
#define UCS2_POUNDSTERLING 163
#define UCS2_YEN 165
#define UCS4_BMPBASE 0
#define UCS4_MAXUNICODE 0x10ffff
#define UCS4_PVTBASE 0xf0000
#define UCS4_SIPBASE 0x20000
#define UCS4_SMPBASE 0x10000
#define UCS4_SSPBASE 0xe0000
#define UCS4_UNABASE 0x40000
#define UTF16_BASE 0x10000
#define UTF16_MASK 1023
#define UTF16_MAXSURR 0xdfff
#define UTF16_SHIFT 10
#define UTF16_SURR 0xd800
#define UTF16_SURRH 0xd800
#define UTF16_SURRHEND 0xdbff
#define UTF16_SURRL 0xdc00
#define UTF16_SURRLEND 0xdfff
/* END GENERATED constants */

/* Octets needed for a BMP code point in UTF-8, and storing it at b
 * (b is advanced past what was stored). */
#define UTF8_SIZE_BMP(c) ((c & 0xff80) ? ((c & 0xf800) ? 3 : 2) : 1)
#define UTF8_PUT_BMP(b,c) { \
  if (!(c & 0xff80)) *b++ = c; \
  else { \
    if (c & 0xf800) { \
      *b++ = 0xe0 | (c >> 12); \
      *b++ = 0x80 | ((c >> 6) & 0x3f); \
    } \
    else *b++ = 0xc0 | ((c >> 6) & 0x3f); \
    *b++ = 0x80 | (c & 0x3f); \
  } \
}

/* A script, for choosing charsets by the languages they serve. */
typedef struct utf8_scent {
  char *name;
  char *description;
  unsigned long script;		/* SC_* bit */
} SCRIPT;

/* A known charset. */
typedef struct utf8_csent {
  char *name;
  unsigned short type;		/* CT_* code */
  unsigned short flags;		/* CF_* bits */
  void *tab;			/* conversion table, by type */
  unsigned long script;		/* SC_* bits */
  char *preferred;		/* better name to use, if any */
} CHARSET;

/* Shape of an EUC or double-byte table. */
struct utf8_eucparam {
  unsigned int base_ku : 8;
  unsigned int base_ten : 8;
  unsigned int max_ku : 8;
  unsigned int max_ten : 8;
  void *tab;
};

/* Per-code-point hooks applied during conversion (case folding,
 * decomposition). */
typedef unsigned long (*ucs4cn_t) (unsigned long c);
typedef unsigned long (*ucs4de_t) (unsigned long c,void **more);

/* BEGIN GENERATED prototypes */
unsigned long ucs4_cs_get (CHARSET *, unsigned char **, unsigned long *);
unsigned long ucs4_decompose (unsigned long, void **);
unsigned long ucs4_decompose_recursive (unsigned long, void **);
long ucs4_rmapbuf (unsigned char *, unsigned long *, unsigned long, unsigned short *, unsigned long);
long ucs4_rmaplen (unsigned long *, unsigned long, unsigned short *, unsigned long);
long ucs4_rmaptext (unsigned long *, unsigned long, unsigned short *, SIZEDTEXT *, unsigned long);
unsigned long ucs4_titlecase (unsigned long);
long ucs4_width (unsigned long);
char *utf8_badcharset (char *);
const CHARSET *utf8_charset (char *);
long utf8_cstext (SIZEDTEXT *, char *, SIZEDTEXT *, unsigned long);
long utf8_cstocstext (SIZEDTEXT *, char *, SIZEDTEXT *, char *, unsigned long);
unsigned long *utf8_csvalidmap (char **);
unsigned long utf8_get (unsigned char **, unsigned long *);
unsigned long utf8_get_raw (unsigned char **, unsigned long *);
const CHARSET *utf8_infercharset (SIZEDTEXT *);
unsigned char *utf8_put (unsigned char *, unsigned long);
unsigned short *utf8_rmap (char *);
unsigned short *utf8_rmap_cs (const CHARSET *);
unsigned short *utf8_rmap_gen (const CHARSET *, unsigned short *);
unsigned long utf8_rmapsize (SIZEDTEXT *, unsigned short *, unsigned long, long);
long utf8_rmaptext (SIZEDTEXT *, unsigned short *, SIZEDTEXT *, unsigned long, long);
SCRIPT *utf8_script (char *);
unsigned long utf8_size (unsigned long);
long utf8_strwidth (unsigned char *);
long utf8_text (SIZEDTEXT *, char *, SIZEDTEXT *, long);
void utf8_text_1byte (SIZEDTEXT *, SIZEDTEXT *, void *, ucs4cn_t, ucs4de_t);
void utf8_text_1byte0 (SIZEDTEXT *, SIZEDTEXT *, ucs4cn_t, ucs4de_t);
void utf8_text_1byte8 (SIZEDTEXT *, SIZEDTEXT *, void *, ucs4cn_t, ucs4de_t);
void utf8_text_2022 (SIZEDTEXT *, SIZEDTEXT *, ucs4cn_t, ucs4de_t);
long utf8_text_cs (SIZEDTEXT *, const CHARSET *, SIZEDTEXT *, ucs4cn_t, ucs4de_t);
void utf8_text_dbyte (SIZEDTEXT *, SIZEDTEXT *, void *, ucs4cn_t, ucs4de_t);
void utf8_text_dbyte2 (SIZEDTEXT *, SIZEDTEXT *, void *, ucs4cn_t, ucs4de_t);
void utf8_text_euc (SIZEDTEXT *, SIZEDTEXT *, void *, ucs4cn_t, ucs4de_t);
void utf8_text_sjis (SIZEDTEXT *, SIZEDTEXT *, ucs4cn_t, ucs4de_t);
void utf8_text_ucs2 (SIZEDTEXT *, SIZEDTEXT *, ucs4cn_t, ucs4de_t);
void utf8_text_ucs4 (SIZEDTEXT *, SIZEDTEXT *, ucs4cn_t, ucs4de_t);
void utf8_text_utf16 (SIZEDTEXT *, SIZEDTEXT *, ucs4cn_t, ucs4de_t);
void utf8_text_utf7 (SIZEDTEXT *, SIZEDTEXT *, ucs4cn_t, ucs4de_t);
void utf8_text_utf8 (SIZEDTEXT *, SIZEDTEXT *, ucs4cn_t, ucs4de_t);
long utf8_textwidth (SIZEDTEXT *);
long utf8_validate (unsigned char *, unsigned long);
/* END GENERATED prototypes */

#endif /* CCLIENT_UTF8_H_INCLUDED */
