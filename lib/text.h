/* text.h - UTF-8 text helpers shared by the tools: normalisation for
 * matching, display width, CJK numerals, pcre2 convenience. */
#ifndef GX_TEXT_H
#define GX_TEXT_H

#include "gx.h"

/* Normalise for matching (spec §8.1, first steps): NFKC (full-width forms,
 * U+3000 -> ASCII), delete every whitespace character (ASCII, U+3000, NBSP,
 * zero-width), unify quotes (“”„‟"' -> "), unify dashes. Appends to out
 * (out is reset first). Invalid UTF-8 bytes are copied through. */
void gx_norm_match(const char *s, size_t n, gx_buf *out);

/* Like gx_norm_match but keeps single ASCII spaces where the input had a
 * run of whitespace (for pattern matching where word gaps matter). */
void gx_norm_keep_space(const char *s, size_t n, gx_buf *out);

/* Was the input of the last gx_norm_match or gx_norm_keep_space call valid
 * UTF-8? Then its output is too (a caller building text from normalised
 * pieces need not check it again). */
bool gx_norm_input_valid(void);

/* Display width of a UTF-8 string in terminal columns (CJK wide = 2, tab
 * counts as 1). */
size_t gx_display_width(const char *s, size_t n);

/* Decode one UTF-8 code point at s (n bytes available). Returns its byte
 * length (>= 1) and stores the code point, or -1 stored as U+FFFD with
 * length 1 on an invalid sequence. */
int gx_utf8_next(const char *s, size_t n, int32_t *cp);
/* The same, with ASCII and valid 3-byte sequences (all CJK text) decoded
 * inline: for the loops that decode every character. */
static inline int gx_utf8_next_fast(const char *s, size_t n, int32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n && u[0] < 0x80) { *cp = u[0]; return 1; }
    if (n >= 3 && (u[0] & 0xF0) == 0xE0 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80) {
        int32_t v = (int32_t)((u[0] & 0x0Fu) << 12 | (u[1] & 0x3Fu) << 6 | (u[2] & 0x3Fu));
        if (v >= 0x800 && (v < 0xD800 || v > 0xDFFF)) { *cp = v; return 3; }
    }
    return gx_utf8_next(s, n, cp);
}
bool gx_utf8_valid(const char *s, size_t n);

/* Value of a Chinese numeral string (一 二 … 十 百 千 万 零 〇, and ASCII
 * digits mixed in), or -1 if it is not one. "十二" = 12, "二十" = 20. */
long gx_cjk_number(const char *s, size_t n);

/* True if c is a UTF-8 whitespace code point (incl. U+3000, U+00A0). */
bool gx_is_space_cp(int32_t cp);

/* Trim leading and trailing whitespace (ASCII and Unicode) from [s, s+*n):
 * returns the new start, updates *n. */
const char *gx_trim(const char *s, size_t *n);

#endif
