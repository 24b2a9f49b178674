/* The callbacks every c-client application defines, shared by the samples
 * (each sample includes this once).  They print what they are told. */

void mm_searched (MAILSTREAM *stream,unsigned long number)
{
  MESSAGECACHE *elt = mail_elt (stream,number);
  elt->spare = T;		/* application's own bit */
}

void mm_exists (MAILSTREAM *stream,unsigned long number)
{
  printf ("%lu messages in %s\n",number,stream->mailbox);
}

void mm_expunged (MAILSTREAM *stream,unsigned long number)
{
  printf ("expunged %lu of %lu\n",number,stream->nmsgs);
}

void mm_flags (MAILSTREAM *stream,unsigned long number)
{
  MESSAGECACHE *elt = mail_elt (stream,number);
  printf ("flags of %lu:%s%s\n",number,elt->seen ? " seen" : "",
	  elt->deleted ? " deleted" : "");
}

void mm_notify (MAILSTREAM *stream,char *string,long errflg)
{
  mm_log (string,errflg);
}

void mm_list (MAILSTREAM *stream,int delimiter,char *mailbox,long attributes)
{
  printf ("%c %s%s\n",delimiter ? delimiter : ' ',mailbox,
	  (attributes & LATT_NOSELECT) ? " (noselect)" : "");
}

void mm_lsub (MAILSTREAM *stream,int delimiter,char *mailbox,long attributes)
{
  mm_list (stream,delimiter,mailbox,attributes);
}

void mm_status (MAILSTREAM *stream,char *mailbox,MAILSTATUS *status)
{
  if (status->flags & SA_MESSAGES) printf ("%s: %lu\n",mailbox,status->messages);
  if (status->flags & SA_UIDNEXT) printf ("uidnext %lu\n",status->uidnext);
}

void mm_log (char *string,long errflg)
{
  switch ((short) errflg) {
  case NIL: printf ("[%s]\n",string); break;
  case PARSE:
  case WARN: printf ("%%%s\n",string); break;
  case ERROR: printf ("?%s\n",string); break;
  }
}

void mm_dlog (char *string)
{
  puts (string);
}

void mm_login (NETMBX *mb,char *user,char *pwd,long trial)
{
  strncpy (user,*mb->user ? mb->user : "nobody",NETMAXUSER - 1);
  user[NETMAXUSER - 1] = '\0';
  *pwd = '\0';
  if (mb->sslflag || mb->tlsflag) printf ("secure login to %s\n",mb->host);
}

void mm_critical (MAILSTREAM *stream) {}
void mm_nocritical (MAILSTREAM *stream) {}

long mm_diskerror (MAILSTREAM *stream,long errcode,long serious)
{
  fprintf (stderr,"disk error %ld\n",errcode);
  return T;
}

void mm_fatal (char *string)
{
  fprintf (stderr,"fatal: %s\n",string);
}
