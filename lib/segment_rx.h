/* segment_rx.h - a small backtracking matcher for the simple patterns of
 * gx-segment's tables, so that a report pays neither pcre2's compiler nor
 * its per-call set-up for them.
 *
 * It reads a subset of PCRE2 syntax, with the meaning the tables give it
 * (UTF, (*UCP)): literal characters and escaped punctuation, ., ^, $,
 * classes [...] / [^...] of characters, ranges, \d \D \s \S \p{Han},
 * groups (...), (?:...), (?<name>...), look-aheads (?=...) (?!...) without
 * groups inside, alternatives, and the greedy quantifiers ? * + {n} {n,}
 * {n,m}. A pattern with anything else is refused (compile returns NULL)
 * and pcre2 matches it as before.
 *
 * Answers are pcre2's: leftmost match, the same backtracking order, the
 * same groups; the Unicode properties are pcre2's own (built-in ranges for
 * the common characters, pcre2 asked once for any other). Where this
 * matcher cannot be sure of pcre2's answer it says so (-1) and the caller
 * asks pcre2: a line-end character under . or $, a match that
 * takes too many steps. */
#ifndef GX_SEGMENT_RX_H
#define GX_SEGMENT_RX_H

#include <stdbool.h>
#include <stddef.h>

typedef struct gx_srx gx_srx;

/* The program for pattern p (without a "(*UCP)" prefix: UCP is implied),
 * or NULL when p is outside the subset. */
gx_srx *gx_srx_compile(const char *p);

/* Match s[0..n) (valid UTF-8): 1 a match (groups readable), 0 none,
 * -1 not known (ask pcre2). flags: GX_SRX_NONL, the caller knows that s
 * holds no line-end character (U+000A-000D, U+0085, U+2028, U+2029), so
 * .* need not look at what it takes. */
enum { GX_SRX_NONL = 1 };
int gx_srx_match(gx_srx *r, const char *s, size_t n, unsigned flags);

/* Offsets of group g of the last match, (SIZE_MAX, SIZE_MAX) if unset. */
void gx_srx_group(const gx_srx *r, int g, size_t *a, size_t *b);

/* Number of the named group, -1 if none. */
int gx_srx_group_number(const gx_srx *r, const char *name);

/* \d, \s and \p{Han} from built-in ranges: 1 yes, 0 no, -1 not known
 * (\s is always known). */
int gx_srx_is_digit(long cp);
int gx_srx_is_space(long cp);
int gx_srx_is_han(long cp);
/* The same, always known: pcre2 answers for the code points the ranges
 * leave open (once per code point). */
int gx_srx_digit(long cp);
int gx_srx_han(long cp);

void gx_srx_free(gx_srx *r);

#endif
