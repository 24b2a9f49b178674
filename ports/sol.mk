# sol: Solaris. Kept as a configuration (spool and news paths, password
# method); this crate is built and tested on Linux only.
PORT_DESC := Solaris (configuration only; untested)
CHECKPW ?= psx
MAILSPOOL ?= /var/mail
ACTIVEFILE ?= /usr/share/news/active
