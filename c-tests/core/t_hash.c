/* Hash tables: bucket of each key, chain order, lookups, extra data slots,
 * reset and destroy. */
#include "common.h"

static char *keys[] = {
  "INBOX", "inbox", "a", "b", "ab", "ba", "Sent", "Drafts", "Trash",
  "\xe9t\xe9", "\xff\xfe", "a longer key with spaces", "x", "y", "z", NULL
};

static void dump (HASHTAB *t)
{
  size_t i;
  HASHENT *e;
  for (i = 0; i < t->size; i++) if (t->table[i]) {
    printf ("  [%lu]",(unsigned long) i);
    for (e = t->table[i]; e; e = e->next)
      printf (" %s=%ld",e->name,(long) e->data[0]);
    printf ("\n");
  }
}

int main (void)
{
  HASHTAB *t;
  HASHENT *e;
  void **d;
  long i;
  size_t sizes[] = { 1, 7, 31, 211 };
  int k;
  for (k = 0; k < 4; k++) {
    t = hash_create (sizes[k]);
    printf ("size=%lu\n",(unsigned long) t->size);
    for (i = 0; keys[i]; i++)
      printf (" idx %s=%lu",keys[i],hash_index (t,keys[i]));
    printf ("\n");
    for (i = 0; keys[i]; i++) {
      e = hash_add (t,keys[i],(void *) (i + 1),i % 3);
      printf (" add %ld name-same=%d extra-zero=%d\n",i,e->name == keys[i],
	      (i % 3) ? (e->data[i % 3] == NIL) : 1);
    }
    dump (t);
    for (i = 0; keys[i]; i++) {
      d = hash_lookup (t,keys[i]);
      printf (" look %s=%ld",keys[i],d ? (long) d[0] : -1L);
    }
    printf ("\n missing=%d\n",hash_lookup (t,"nope") == NIL);
				/* lookup_and_add: existing keeps its data */
    d = hash_lookup_and_add (t,"INBOX",(void *) 99,0);
    printf (" lad existing=%ld\n",(long) d[0]);
    d = hash_lookup_and_add (t,"new",(void *) 77,2);
    printf (" lad new=%ld %d %d\n",(long) d[0],d[1] == NIL,d[2] == NIL);
    d[1] = (void *) 5;
    printf (" lad again=%ld %ld\n",(long) hash_lookup (t,"new")[0],
	    (long) hash_lookup (t,"new")[1]);
				/* duplicates: hash_add does not check */
    hash_add (t,"dup",(void *) 1,0);
    hash_add (t,"dup",(void *) 2,0);
    printf (" dup first=%ld\n",(long) hash_lookup (t,"dup")[0]);
    dump (t);
    hash_reset (t);
    printf (" after reset missing=%d\n",hash_lookup (t,"INBOX") == NIL);
    for (i = 0; i < (long) t->size; i++) if (t->table[i]) printf (" nonempty!\n");
    hash_add (t,"again",(void *) 3,0);
    dump (t);
    hash_destroy (&t);
    printf (" destroyed=%d\n",t == NIL);
  }
  hash_destroy (&t);		/* NULL table pointer: no-op */
  return 0;
}
