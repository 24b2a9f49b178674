# Knob defaults shared by every port. A port file (ports/<port>.mk) is read
# first and sets what differs; anything given on the make command line wins
# over both. See docs/ports.md for what each knob means.

# Drivers and authenticators linked in front of the standard lists.
EXTRADRIVERS ?= mbox
# 1: build the Maildir driver (mddriver, an addition of ours) into the
# library; programs use it when their linkage.c names it (EXTRADRIVERS=md).
MAILDIR ?= 1
EXTRAAUTHENTICATORS ?=
# Plaintext password check: std (the port's own method, CHECKPW), pam, pmb, nul.
PASSWDTYPE ?= std
# TLS: none, unix, nopwd, unix.nopwd (the last two also refuse plaintext
# logins outside TLS, as RFC 3501 asks).
SSLTYPE ?= nopwd
IP ?= 4
CHECKPW ?= std
SPOOLDIR ?= /var/spool
MAILSPOOL ?= $(SPOOLDIR)/mail
NEWSSPOOL ?= $(SPOOLDIR)/news
ACTIVEFILE ?= /var/lib/news/active
RSHPATH ?= /usr/bin/rsh
MD5PWD ?= /etc/cram-md5.pwd
LOCKPGM ?=
SSLCERTS ?= /usr/local/ssl/certs
SSLKEYS ?= $(SSLCERTS)
# NFS-safe exclusive create (nfs) or plain O_EXCL (std).
CRXTYPE ?= nfs
# 1: refuse mailbox names beginning with "/" or ".." (Debian's restrictBox).
RESTRICTBOX ?= 0
EXTRACFLAGS ?=
EXTRALDFLAGS ?=

# The standard lists, in the original's order (mh after the other directory
# formats, before the INBOX formats; dummy always last).
DEFAULTDRIVERS := imap nntp pop3 mix mx mbx tenex mtx mh mmdf unix news phile
DEFAULTAUTHENTICATORS := ext md5 pla log
