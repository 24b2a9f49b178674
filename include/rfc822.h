/*
 * rfc822.h -- RFC 822/2822 and MIME: parsing headers and addresses, writing messages, transfer encodings.
 *
 * Part of the memory-safe c-client replacement; interface-compatible with
 * UW IMAP 2007f.  Blocks between BEGIN/END GENERATED markers come from the
 * ABI tables (tools/gen-headers/gen-headers.py).
 */

#ifndef CCLIENT_RFC822_H_INCLUDED
#define CCLIENT_RFC822_H_INCLUDED

/* BEGIN GENERATED constants */
#define MAXGROUPDEPTH 50
#define MAXMIMEDEPTH 50
/* END GENERATED constants */

typedef long (*soutr_t) (void *stream,char *string);
typedef long (*rfc822out_t) (char *tmp,ENVELOPE *env,BODY *body,soutr_t f,
			     void *s,long ok8bit);

/* Output buffer for the rfc822_output_* family; flushed through f(s,...). */
typedef struct rfc822buffer {
  soutr_t f;
  void *s;
  char *beg;			/* start of the buffer */
  char *cur;			/* next free octet */
  char *end;			/* last usable octet */
} RFC822BUFFER;

typedef long (*rfc822outfull_t) (RFC822BUFFER *buf,ENVELOPE *env,BODY *body,
				 long ok8bit);

#define rfc822_write_address(dest,adr) rfc822_write_address_full (dest,adr,NIL)
#define rfc822_parse_msg(en,bdy,s,i,bs,host,flags) \
  rfc822_parse_msg_full (en,bdy,s,i,bs,host,0,flags)

/* BEGIN GENERATED prototypes */
unsigned char *rfc822_8bit (unsigned char *, unsigned long, unsigned long *);
void rfc822_address (char *, ADDRESS *);
void rfc822_address_line (char **, char *, ENVELOPE *, ADDRESS *);
void *rfc822_base64 (unsigned char *, unsigned long, unsigned long *);
unsigned char *rfc822_binary (void *, unsigned long, unsigned long *);
void rfc822_cat (char *, char *, const char *);
char *rfc822_cpy (char *);
ADDRESS *rfc822_cpy_adr (ADDRESS *);
char *rfc822_default_subtype (unsigned short);
void rfc822_encode_body_7bit (ENVELOPE *, BODY *);
void rfc822_encode_body_8bit (ENVELOPE *, BODY *);
void rfc822_header (char *, ENVELOPE *, BODY *);
void rfc822_header_line (char **, char *, ENVELOPE *, char *);
long rfc822_output (char *, ENVELOPE *, BODY *, soutr_t, void *, long);
long rfc822_output_address (RFC822BUFFER *, ADDRESS *);
long rfc822_output_address_line (RFC822BUFFER *, char *, long, ADDRESS *, const char *);
long rfc822_output_address_list (RFC822BUFFER *, ADDRESS *, long, const char *);
long rfc822_output_body (BODY *, soutr_t, void *);
long rfc822_output_body_header (RFC822BUFFER *, BODY *);
long rfc822_output_cat (RFC822BUFFER *, char *, const char *);
long rfc822_output_flush (RFC822BUFFER *);
long rfc822_output_full (RFC822BUFFER *, ENVELOPE *, BODY *, long);
long rfc822_output_header (RFC822BUFFER *, ENVELOPE *, BODY *, const char *, long);
long rfc822_output_header_line (RFC822BUFFER *, char *, long, char *);
long rfc822_output_parameter (RFC822BUFFER *, PARAMETER *);
long rfc822_output_stringlist (RFC822BUFFER *, STRINGLIST *);
long rfc822_output_text (RFC822BUFFER *, BODY *);
ADDRESS *rfc822_parse_address (ADDRESS **, ADDRESS *, char **, char *, unsigned long);
ADDRESS *rfc822_parse_addrspec (char *, char **, char *);
void rfc822_parse_adrlist (ADDRESS **, char *, char *);
void rfc822_parse_content (BODY *, STRING *, char *, unsigned long, unsigned long);
void rfc822_parse_content_header (BODY *, char *, char *);
char *rfc822_parse_domain (char *, char **);
ADDRESS *rfc822_parse_group (ADDRESS **, ADDRESS *, char **, char *, unsigned long);
ADDRESS *rfc822_parse_mailbox (char **, char *);
void rfc822_parse_msg_full (ENVELOPE **, BODY **, char *, unsigned long, STRING *, char *, unsigned long, unsigned long);
void rfc822_parse_parameter (PARAMETER **, char *);
char *rfc822_parse_phrase (char *);
ADDRESS *rfc822_parse_routeaddr (char *, char **, char *);
char *rfc822_parse_word (char *, const char *);
long rfc822_phraseonly (char *);
unsigned char *rfc822_qprint (unsigned char *, unsigned long, unsigned long *);
char *rfc822_quote (char *);
char *rfc822_skip_comment (char **, long);
void rfc822_skipws (char **);
char *rfc822_write_address_full (char *, ADDRESS *, char *);
void rfc822_write_body_header (char **, BODY *);
/* END GENERATED prototypes */

#endif /* CCLIENT_RFC822_H_INCLUDED */
