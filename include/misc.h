/*
 * misc.h -- miscellaneous utilities: string copies, case folding, hash tables, comparisons.
 *
 * Part of the memory-safe c-client replacement; interface-compatible with
 * UW IMAP 2007f.  Blocks between BEGIN/END GENERATED markers come from the
 * ABI tables (tools/gen-headers/gen-headers.py).
 */

#ifndef CCLIENT_MISC_H_INCLUDED
#define CCLIENT_MISC_H_INCLUDED

/* BEGIN GENERATED constants */
#define HASHMULT 29
/* END GENERATED constants */

#define HASHENT struct hash_entry
HASHENT {
  HASHENT *next;		/* next entry in the same bucket */
  char *name;			/* key */
  void *data[1];		/* value, plus `extra' further slots */
};

#define HASHTAB struct hash_table
HASHTAB {
  size_t size;			/* number of buckets */
  HASHENT *table[1];		/* buckets (allocated to `size') */
};

/* Programs including this header get the library's interrupt-safe write()
 * and its Min()/Max() for min()/max(). */
#define write safe_write
#undef min
#undef max
#define min Min
#define max Max

#define pmatch(s,pat) pmatch_full (s,pat,NIL)

/* BEGIN GENERATED prototypes */
long Max (long, long);
long Min (long, long);
int compare_csizedtext (unsigned char *, SIZEDTEXT *);
int compare_cstring (unsigned char *, unsigned char *);
int compare_uchar (unsigned char, unsigned char);
int compare_ulong (unsigned long, unsigned long);
char *cpystr (const char *);
char *cpytxt (SIZEDTEXT *, char *, unsigned long);
unsigned long find_rightmost_bit (unsigned long *);
HASHENT *hash_add (HASHTAB *, char *, void *, long);
HASHTAB *hash_create (size_t);
void hash_destroy (HASHTAB **);
unsigned long hash_index (HASHTAB *, char *);
void **hash_lookup (HASHTAB *, char *);
void **hash_lookup_and_add (HASHTAB *, char *, void *, long);
void hash_reset (HASHTAB *);
unsigned char hex2byte (unsigned char, unsigned char);
unsigned char *lcase (unsigned char *);
long search (unsigned char *, long, unsigned char *, long);
long ssearch (unsigned char *, long, unsigned char *, long);
char *textcpy (SIZEDTEXT *, SIZEDTEXT *);
char *textcpyoffstring (SIZEDTEXT *, STRING *, unsigned long, unsigned long);
char *textcpystring (SIZEDTEXT *, STRING *);
unsigned char *ucase (unsigned char *);
/* END GENERATED prototypes */

#endif /* CCLIENT_MISC_H_INCLUDED */
