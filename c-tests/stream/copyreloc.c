/* Built -no-pie: the program holds copies of the driver objects; the
 * library must link and find *these* copies. */
#include "common.h"

int main (int argc, char **argv)
{
  DRIVER *d;
  char box[300];
  mail_link (&mboxdriver);
  mail_link (&dummydriver);
  d = (DRIVER *) mail_parameters (NIL, GET_DRIVERS, NIL);
  printf ("head is program's mboxdriver: %d\n", d == &mboxdriver);
  printf ("next written into program's copy: %d\n", mboxdriver.next == &dummydriver);
  printf ("dummy end: %d\n", dummydriver.next == NIL);
  printf ("GET_DRIVER dummy is program's: %d\n", mail_parameters (NIL, GET_DRIVER, "dummy") == &dummydriver);
  printf ("dummy prototype points at program's driver: %d\n",
          ((MAILSTREAM *) mail_open (NIL, "#driver.dummy/", OP_PROTOTYPE))->dtb == &dummydriver);
  sprintf (box, "%s/emptybox", argc > 1 ? argv[1] : ".");
  fclose (fopen (box, "w"));
  printf ("mail_valid finds program's dummy: %d\n", mail_valid (NIL, box, NIL) == &dummydriver);
  return 0;
}
