# ldb: Debian GNU/Linux, configured as Debian builds its libc-client2007e
# package (the default port of this Makefile on Linux): PAM, Kerberos V
# (GSSAPI) authenticator, TLS with plaintext logins only inside TLS, IPv6,
# /var/mail spool, Debian's certificate paths, and mailbox names beginning
# with "/" or ".." refused.
PORT_DESC := Debian Linux (as Debian's own libc-client2007e build)
CHECKPW ?= pam
EXTRAAUTHENTICATORS ?= gss
SSLTYPE ?= unix.nopwd
IP ?= 6
MAILSPOOL ?= /var/mail
SSLCERTS ?= /etc/ssl/certs
SSLKEYS ?= /etc/ssl/private
RESTRICTBOX ?= 1
