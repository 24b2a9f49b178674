/* Sample: compose a two-part MIME message and send it over SMTP, writing
 * the header text first (the way Pine and PHP's imap_mail_compose do). */
#include <stdio.h>
#include <string.h>
#include "c-client.h"

#include "callbacks.h"

static long write_out (void *stream,char *string)
{
  return fputs (string,(FILE *) stream) != EOF;
}

int main (int argc,char *argv[])
{
  ENVELOPE *env = mail_newenvelope ();
  BODY *body = mail_newbody ();
  PART *part;
  SENDSTREAM *smtp;
  char *hostlist[] = { argc > 1 ? argv[1] : "127.0.0.1", NIL };
  char line[MAILTMPLEN];
  char *hdr = (char *) fs_get (8 * MAILTMPLEN);
  ADDRESS *a;
#include "linkage.c"
  rfc822_parse_adrlist (&env->from,"Sample Sender <sender@example.org>",
			"example.org");
  rfc822_parse_adrlist (&env->to,"one@example.org, Two <two@example.org>",
			"example.org");
  env->subject = cpystr ("two parts");
  env->date = (unsigned char *) cpystr ("Mon, 1 Jan 2007 00:00:00 +0000");
  body->type = TYPEMULTIPART;
  body->nested.part = part = mail_newbody_part ();
  part->body.type = TYPETEXT;
  part->body.contents.text.data = (unsigned char *) cpystr ("first\r\n");
  part->body.contents.text.size = 7;
  part->next = mail_newbody_part ();
  part = part->next;
  part->body.type = TYPEAPPLICATION;
  part->body.encoding = ENCBASE64;
  part->body.subtype = cpystr ("octet-stream");
  part->body.contents.text.data = (unsigned char *) cpystr ("\001\002\003");
  part->body.contents.text.size = 3;
  for (a = env->to; a; a = a->next) {
    line[0] = '\0';
    rfc822_write_address (line,a);
    printf ("to: %s (%s@%s)\n",line,a->mailbox,a->host);
  }
  rfc822_header (hdr,env,body);
  printf ("%lu header octets\n",(unsigned long) strlen (hdr));
  rfc822_output (line,env,body,write_out,stdout,NIL);
  smtp = smtp_open (hostlist,(long) mail_parameters (NIL,GET_SMTPVERBOSE,NIL)
		    ? SOP_DEBUG : NIL);
  if (smtp) {
    if (smtp->protocol.esmtp.ok && smtp->protocol.esmtp.eightbit.ok)
      smtp->protocol.esmtp.eightbit.want = T;
    if (!smtp_mail (smtp,"MAIL",env,body)) printf ("failed: %s\n",smtp->reply);
    smtp_close (smtp);
  }
  fs_give ((void **) &hdr);
  mail_free_envelope (&env);
  mail_free_body (&body);
  return 0;
}
