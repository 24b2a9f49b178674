# awk -v tolfile=TOLERATED -f compare.awk BEFORE AFTER
# BEFORE and AFTER are `nolose sums` lists ("ID EXACT TRIMMED" a line).
# Every message of BEFORE whose Message-ID is not listed in TOLERATED must
# be in AFTER with the same bytes.  Prints
#   lost L damaged D padded P extra E dup U
# and exits 1 when L+D+P > 0.  damaged: same Message-ID, other bytes;
# padded: equal once trailing NULs/newlines are dropped (a rewrite's
# pre-extension left behind); extra: Message-IDs not in BEFORE (new mail);
# dup: Message-IDs present more than once (tolerated).
BEGIN { if (tolfile != "") while ((getline l < tolfile) > 0) tol[l] = 1 }
FNR == NR { want[$1] = $2; wtrim[$1] = $3; next }
{
    seen[$1]++
    if (!($1 in want)) { extra++; next }
    if ($2 == want[$1]) exact[$1] = 1
    if ($3 == wtrim[$1]) trim[$1] = 1
}
END {
    for (id in want) {
        if (id in tol) continue
        if (!(id in seen)) lost++
        else if (!(id in exact)) { if (id in trim) padded++; else damaged++ }
    }
    for (id in seen) if (seen[id] > 1) dup++
    printf "lost %d damaged %d padded %d extra %d dup %d\n", lost, damaged, padded, extra, dup
    exit (lost + damaged + padded) > 0
}
