/*
 * Preloaded under valgrind only (tests/t78-valgrind.sh).  Debian's
 * libavcodec pulls in libjxl and with it libhwy, whose constructor times
 * the clock with RDTSCP, an instruction valgrind 3.19 cannot run: every
 * FFmpeg program dies of SIGILL before main.  The constructor calls the
 * timer through the PLT, so this definition stands in for it; nothing
 * else of libhwy runs in camkit's programs (no JPEG XL is coded).
 */
#include <stdint.h>

uint64_t	_ZN3hwy8platform15TimerResolutionEv(void);

/* hwy::platform::TimerResolution(): ticks of the timer's resolution. */
uint64_t
_ZN3hwy8platform15TimerResolutionEv(void)
{
	return 1;
}
