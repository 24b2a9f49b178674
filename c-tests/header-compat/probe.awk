# Turns probes.tsv into probe.c: one printf per check, same keys whichever
# headers it is compiled against.
BEGIN {
  print "#include <stdio.h>"
  print "#include <stddef.h>"
  print "#include <string.h>"
  print "#include \"tcp_unix.h\"	/* first, so TCPSTREAM is the record */"
  print "#include \"c-client.h\""
  print "#include \"imap4r1.h\""
  print "#include \"fdstring.h\""
  print "#include \"flstring.h\""
  print "#include \"pseudo.h\""
  print "#include \"dummy.h\""
  print "#include \"unix.h\""
  print "#define SSLSTREAM void	/* what the TLS layer supplies */"
  print "#define SSLBUFLEN 8192"
  print "#include \"sslio.h\""
  print "#include \"behaviour.h\""
  print "#define TYPENAME(x) _Generic ((x), int: \"int\", long: \"long\", \\"
  print "  unsigned int: \"unsigned int\", unsigned long: \"unsigned long\", \\"
  print "  long long: \"long long\", unsigned long long: \"unsigned long long\", \\"
  print "  default: \"other\")"
  print "/* Report the lowest set bit and the number of set bits. */"
  print "static void bits (const char *what,const unsigned char *p,size_t n)"
  print "{"
  print "  long first = -1, count = 0;"
  print "  size_t i;"
  print "  for (i = 0; i < n * 8; i++) if (p[i / 8] & (1u << (i % 8))) {"
  print "    if (first < 0) first = (long) i;"
  print "    count++;"
  print "  }"
  print "  printf (\"bitfield %s bit %ld width %ld\\n\",what,first,count);"
  print "}"
  print "int main (void)"
  print "{"
}
/^#/ { next }
$1 == "record" {
  printf "  printf (\"record %s size %%zu align %%zu\\n\",sizeof (%s),_Alignof (%s));\n", $2, $2, $2
}
$1 == "member" {
  printf "  printf (\"member %s.%s offset %%zu\\n\",offsetof (%s,%s));\n", $2, $3, $2, $3
}
$1 == "bitfield" {
  printf "  { %s v; memset (&v,0,sizeof v); v.%s = ~v.%s;\n", $2, $3, $3
  printf "    bits (\"%s.%s\",(unsigned char *) &v,sizeof v); }\n", $2, $3
}
$1 == "const" {
  printf "  printf (\"const %s %%llu %%s\\n\",(unsigned long long) (%s),TYPENAME (%s));\n", $2, $2, $2
}
END {
  print "  behaviour ();"
  print "  return 0;"
  print "}"
}
