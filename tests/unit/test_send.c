/*
 * cam_send_subject: a Subject header as RFC 2047 wants it (curl sends
 * headers as given): plain ASCII as it is, anything else as encoded
 * words of at most 75 characters, never a character cut in two.
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "base/cam_send.h"
#include "unit.h"

/* The text back from the encoded words of s; -1 if one is malformed
 * or longer than 75 characters. */
static int
decode(const char *s, char *out, size_t len)
{
	size_t n = 0;

	while (*s != '\0') {
		const char *end;
		unsigned char raw[64];
		int k;

		if (strncmp(s, "\r\n ", 3) == 0)
			s += 3;
		if (strncmp(s, "=?UTF-8?B?", 10) != 0 ||
		    (end = strstr(s + 10, "?=")) == NULL ||
		    end + 2 - s > 75)
			return -1;
		k = EVP_DecodeBlock(raw, (const unsigned char *)s + 10,
		    (int)(end - s - 10));
		if (k < 0)
			return -1;
		while (k > 0 && end[-1] == '=') {	/* padding */
			k--;
			end--;
		}
		if (n + (size_t)k >= len)
			return -1;
		memcpy(out + n, raw, (size_t)k);
		n += (size_t)k;
		s = strstr(s + 10, "?=") + 2;
	}
	out[n] = '\0';
	return 0;
}

int
main(void)
{
	struct cam_buf b = CAM_BUF_INIT;
	char back[1024];
	const char *vi = "[Sở GD&ĐT Ninh Bình] Camera cong-chinh (Cổng chính) "
	    "mất tín hiệu từ 09:15 07/12/2026, đề nghị kiểm tra ngay";

	cam_send_subject(&b, "Daily summary, 2026-12-07");
	CHECK_STR(cam_buf_str(&b), "Daily summary, 2026-12-07",
	    "ASCII stays as it is");
	cam_buf_free(&b);

	cam_send_subject(&b, vi);
	CHECK(strncmp(cam_buf_str(&b), "=?UTF-8?B?", 10) == 0,
	    "Vietnamese becomes encoded words");
	CHECK(strstr(cam_buf_str(&b), "\r\n ") != NULL,
	    "a long subject is folded over lines");
	CHECK(decode(cam_buf_str(&b), back, sizeof(back)) == 0,
	    "each word at most 75 characters");
	CHECK_STR(back, vi, "the words decode to the subject");
	/* No word ends inside a character: each decodes to valid UTF-8. */
	int whole = 1;
	for (const char *p = cam_buf_str(&b); (p = strstr(p, "=?UTF-8?B?"))
	    != NULL; p += 10) {
		const char *end = strstr(p + 10, "?=");
		unsigned char raw[64];
		int k = EVP_DecodeBlock(raw, (const unsigned char *)p + 10,
		    (int)(end - p - 10));
		while (k > 0 && end[-1] == '=') {
			k--;
			end--;
		}
		if (k > 0 && cam_utf8_clean((const char *)raw, (size_t)k, 0) !=
		    1)
			whole = 0;
	}
	CHECK(whole, "no character is cut between two words");
	cam_buf_free(&b);

	cam_send_subject(&b, "a\tb");
	CHECK(strncmp(cam_buf_str(&b), "=?UTF-8?B?", 10) == 0,
	    "a control character is encoded, not sent raw");
	cam_buf_free(&b);
	return UNIT_END();
}
