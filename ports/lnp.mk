# lnp: Linux with Pluggable Authentication Modules.
PORT_DESC := Linux with PAM
CHECKPW ?= pam
SPOOLDIR ?= /var/spool
