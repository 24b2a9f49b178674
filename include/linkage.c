  /* linkage.c -- included by applications inside main() to register the
   * default Linux build's drivers (tried in this order) and SASL
   * authenticators, check the library version and initialise TLS.
   * Part of the memory-safe c-client replacement. */
  mail_link (&mboxdriver);
  mail_link (&imapdriver);
  mail_link (&nntpdriver);
  mail_link (&pop3driver);
  mail_link (&mixdriver);
  mail_link (&mxdriver);
  mail_link (&mbxdriver);
  mail_link (&tenexdriver);
  mail_link (&mtxdriver);
  mail_link (&mhdriver);
  mail_link (&mmdfdriver);
  mail_link (&unixdriver);
  mail_link (&newsdriver);
  mail_link (&philedriver);
  mail_link (&dummydriver);
  auth_link (&auth_gss);
  auth_link (&auth_ext);
  auth_link (&auth_md5);
  auth_link (&auth_pla);
  auth_link (&auth_log);
  mail_versioncheck (CCLIENTVERSION);
  ssl_onceonlyinit ();
  mail_parameters (NIL,SET_DISABLEPLAINTEXT,(void *) 2);
