# lnx: traditional Linux, passwords in /etc/passwd checked by crypt(3).
PORT_DESC := Linux with traditional (non-shadow) passwords
CHECKPW ?= std
