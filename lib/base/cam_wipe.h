/*
 * cam_wipe: every block freed in a camkit program is wiped first.
 *
 * A program linked with libcamkit gets its own free() and realloc():
 * the libraries it loads (FFmpeg, OpenSSL, libgit2, libyaml,
 * libarchive) call them too, so that the copies of a password or a
 * private key those libraries make and free (an RTSP URL with its
 * user:password, a decoder's DER copy of a key) do not stay behind in
 * freed memory, to be read from a core dump or swap.  realloc() never
 * leaves an unwiped old block behind: it moves a block it grows by hand
 * (with half as much room again, so that an array grown one element at
 * a time is copied O(log n) times, not n times), keeps a block that
 * shrinks by less than half as it is (wiped when freed), and wipes the
 * tail of one that halves before glibc frees it.
 *
 * This needs glibc (its __libc_free and __libc_realloc), and is left
 * out of sanitized builds, whose runtime owns malloc: there
 * cam_wipe_active() is 0.  tests/t77-wipe.sh shows what it achieves.
 */
#ifndef CAM_WIPE_H
#define CAM_WIPE_H

int cam_wipe_active(void);

#endif
