# slx: Linux with shadow passwords checked by crypt(3) from libcrypt.
PORT_DESC := Linux with shadow passwords (crypt)
CHECKPW ?= psx
