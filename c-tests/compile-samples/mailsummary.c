/* Sample: list the messages of a mailbox with their senders, sizes and
 * flags, then the MIME structure of the first one (the way mtest and
 * mailutil use the library). */
#include <stdio.h>
#include <string.h>
#include "c-client.h"

#include "callbacks.h"

static void show_body (BODY *body,char *prefix,long depth)
{
  PART *part;
  char tmp[MAILTMPLEN];
  unsigned long i;
  if (depth > 20) return;
  printf ("%s %s/%s",prefix,body_types[body->type],
	  body->subtype ? body->subtype : "?");
  if (body->encoding <= ENCMAX && body_encodings[body->encoding])
    printf (" %s",body_encodings[body->encoding]);
  printf (" (%lu bytes)\n",body->size.bytes);
  if (body->type == TYPEMULTIPART)
    for (i = 1,part = body->nested.part; part; part = part->next,i++) {
      snprintf (tmp,sizeof (tmp),"%s.%lu",prefix,i);
      show_body (&part->body,tmp,depth + 1);
    }
  else if (body->type == TYPEMESSAGE && body->nested.msg &&
	   body->nested.msg->body)
    show_body (body->nested.msg->body,prefix,depth + 1);
}

int main (int argc,char *argv[])
{
  MAILSTREAM *stream;
  unsigned long i;
  long debug = NIL;
#include "linkage.c"
  if (argc < 2) {
    fprintf (stderr,"usage: %s mailbox\n",argv[0]);
    return 2;
  }
  mail_parameters (NIL,SET_OPENTIMEOUT,(void *) 30);
  if (!(stream = mail_open (NIL,argv[1],OP_READONLY | (debug ? OP_DEBUG : NIL))))
    return 1;
  mail_fetchfast (stream,"1:*");
  for (i = 1; i <= stream->nmsgs; i++) {
    char from[MAILTMPLEN];
    MESSAGECACHE *elt = mail_elt (stream,i);
    ENVELOPE *env = mail_fetchstructure (stream,i,NIL);
    char date[MAILTMPLEN];
    *from = '\0';
    if (env && env->from) rfc822_write_address (from,env->from);
    mail_date (date,elt);
    printf ("%c%c%c %4lu %-30.30s %s %lu\n",elt->recent ? 'N' : ' ',
	    elt->seen ? 'S' : 'U',elt->deleted ? 'D' : ' ',i,from,date,
	    elt->rfc822_size);
  }
  if (stream->nmsgs) {
    BODY *body;
    unsigned long len;
    char *hdr = mail_fetchheader_full (stream,1,NIL,&len,NIL);
    mail_fetchstructure (stream,1,&body);
    printf ("header of 1: %lu bytes, starts %.20s\n",len,hdr);
    if (body) show_body (body,"1",0);
    printf ("text: %.40s\n",mail_fetchtext (stream,1));
  }
  mail_close (stream);
  return 0;
}
