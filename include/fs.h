/*
 * fs.h -- memory allocation (fs_get/fs_resize/fs_give are malloc/realloc/free).
 *
 * Part of the memory-safe c-client replacement; interface-compatible with
 * UW IMAP 2007f.  Blocks between BEGIN/END GENERATED markers come from the
 * ABI tables (tools/gen-headers/gen-headers.py).
 */

#ifndef CCLIENT_FS_H_INCLUDED
#define CCLIENT_FS_H_INCLUDED

/* BEGIN GENERATED prototypes */
void *fs_get (size_t);
void fs_give (void **);
void fs_resize (void **, size_t);
/* END GENERATED prototypes */

#endif /* CCLIENT_FS_H_INCLUDED */
