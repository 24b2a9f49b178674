/* Long lists and deep trees, freed by the library. Usage: t_deep N.
 * The original frees recursively, so the differential run uses a small N;
 * ours must survive N = 200000 (lists) and deep nesting. */
#include "common.h"

int main (int argc,char **argv)
{
  long n = argc > 1 ? atol (argv[1]) : 1000,i;
  ADDRESS *adr = NIL,*a;
  STRINGLIST *sl = NIL,*s;
  PARAMETER *par = NIL,*p;
  SEARCHSET *set = NIL,*ss;
  THREADNODE *thr = NIL,*t;
  BODY *body,*b;
  SEARCHPGM *pgm,*pg;
  SORTPGM *spg = NIL,*sp;
  long depth = n / 10;
  for (i = 0; i < n; i++) {
    a = mail_newaddr (); a->mailbox = cpystr ("m"); a->next = adr; adr = a;
    s = mail_newstringlist (); s->text.data = (unsigned char *) cpystr ("s");
    s->text.size = 1; s->next = sl; sl = s;
    p = mail_newbody_parameter (); p->attribute = cpystr ("A");
    p->next = par; par = p;
    ss = mail_newsearchset (); ss->first = i; ss->next = set; set = ss;
    sp = mail_newsortpgm (); sp->next = spg; spg = sp;
    t = mail_newthreadnode (NIL); t->num = i;
    if (i % 2) t->next = thr; else t->branch = thr;
    thr = t;
  }
  mail_free_address (&adr);
  mail_free_stringlist (&sl);
  mail_free_body_parameter (&par);
  mail_free_searchset (&set);
  mail_free_sortpgm (&spg);
  mail_free_threadnode (&thr);
  printf ("lists of %ld freed: %d%d%d%d%d%d\n",n,adr == NIL,sl == NIL,
	  par == NIL,set == NIL,spg == NIL,thr == NIL);
				/* nested multipart and message/rfc822 */
  body = b = mail_newbody ();
  for (i = 0; i < depth; i++) {
    if (i % 2) {
      b->type = TYPEMULTIPART; b->subtype = cpystr ("MIXED");
      b->nested.part = mail_newbody_part ();
      b->nested.part->next = mail_newbody_part ();
      b = &b->nested.part->body;
    }
    else {
      b->type = TYPEMESSAGE; b->subtype = cpystr ("RFC822");
      b->nested.msg = mail_newmsg ();
      b->nested.msg->env = mail_newenvelope ();
      b->nested.msg->env->subject = cpystr ("nested");
      b->nested.msg->body = mail_newbody ();
      b = b->nested.msg->body;
    }
  }
  b->subtype = cpystr ("PLAIN");
  mail_gc_body (body);
  mail_free_body (&body);
  printf ("body nested %ld deep freed: %d\n",depth,body == NIL);
				/* search programs nested through OR and NOT */
  pgm = pg = mail_newsearchpgm ();
  for (i = 0; i < depth; i++) {
    if (i % 2) {
      pg->or = mail_newsearchor ();
      pg = pg->or->second;
    }
    else {
      pg->not = mail_newsearchpgmlist ();
      pg = pg->not->pgm;
    }
    pg->subject = mail_newstringlist ();
    pg->subject->text.data = (unsigned char *) cpystr ("x");
  }
  mail_free_searchpgm (&pgm);
  printf ("searchpgm nested %ld deep freed: %d\n",depth,pgm == NIL);
  return 0;
}
