/* rxlite.h - a small backtracking matcher for the simple patterns of the
 * knowledge tables, with pcre2's answers and without its costs.
 *
 * The patterns of share/gx (cell values, numbering, page footers, heading
 * styles, noise lines) are short and are matched against short subjects,
 * hundreds of times per report: pcre2 spends a few thousand instructions
 * per call on them and tens of thousands to compile each, more than the
 * rest of the work on a line. gx_rxl takes the part of the pcre2 syntax
 * those tables use, with the meaning gx_rx gives it (PCRE2_UTF and
 * PCRE2_UCP, newline LF), and answers as pcre2 does: it backtracks in
 * pcre2's order (alternatives left to right, greedy quantifiers longest
 * first, lazy ones shortest first), so it finds the same match with the
 * same groups.
 *
 * Taken: literal characters, \ before a non-alphanumeric ASCII character,
 * \t \n \r \f \e \a, . (any character but LF), \s \S \d \D \p{Han} (their
 * PCRE2_UCP meaning: a code point whose \d or \p{Han} is not known here
 * is put to pcre2 once), classes [...] of characters, ranges, those
 * escapes inside them,
 * groups (...) (?:...) (?<name>...), lookahead (?=...) (?!...),
 * alternation, the quantifiers ? * + {n} {n,} {n,m} and their lazy forms,
 * ^ \A \G $ \Z \z. Anything else (\w, \b, other \p, POSIX classes, back references,
 * options, verbs, lookbehind, possessive quantifiers, a repeated group that
 * can match nothing, ...) makes gx_rxl_new return NULL: the caller uses
 * pcre2 (gx_rx) for that pattern, which also reports a bad pattern.
 *
 * gx_rxl_match returns -1, "ask pcre2", for a match needing more steps
 * than a small budget. Subjects must be valid UTF-8 (the callers check it
 * once per subject). Not thread-safe. */
#ifndef GX_RXLITE_H
#define GX_RXLITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct gx_rxl gx_rxl;

/* Groups a pattern may have, group 0 (the match) included. */
enum { GX_RXL_GROUPS = 16 };

/* The program for pat[0..len) (no leading (*UCP)-style verbs), or NULL
 * when the pattern is outside the subset. whole: the pattern must match
 * all of the subject. */
gx_rxl *gx_rxl_new(const char *pat, size_t len, bool whole);
/* The same; ucp false: \s \S \d \D are ASCII classes (pcre2 without
 * PCRE2_UCP). */
gx_rxl *gx_rxl_new_opt(const char *pat, size_t len, bool whole, bool ucp);

/* Match at or after offset 0 of a valid UTF-8 subject: 1 on a match
 * (caps[0..ncaps) the group offsets, pairs, group 0 the match, GX_RX_UNSET
 * for a group that took no part), 0 on none, -1 too many steps (ask pcre2). */
int gx_rxl_match(const gx_rxl *p, const char *s, size_t n, size_t *caps, int ncaps);
/* The same at or after byte offset from (only at it when anchored), as
 * pcre2_match with a start offset: ^ and \A hold at offset 0 only, \G at
 * from. */
int gx_rxl_match_at(const gx_rxl *p, const char *s, size_t n, size_t from, bool anchored,
                    size_t *caps, int ncaps);

/* Does every match begin at offset 0 (^, \A) or at the start offset (\G)? */
bool gx_rxl_anchored(const gx_rxl *p);

/* The number of the named group, -1 when there is none. */
int gx_rxl_group(const gx_rxl *p, const char *name);

/* False when no match is possible: the subject's first character is valid
 * UTF-8 and no match can start with it (the rest of the subject is not
 * looked at: valid or not, no pattern matches it). Only patterns anchored
 * at the start have a first test; others always say true. */
bool gx_rxl_may_match(const gx_rxl *p, const char *s, size_t n);

/* The characters a match can start with, of one pattern or of several
 * (gx_rxl_first_union): a first test for a table of patterns. all: any. */
enum { GX_RXL_FIRST_RANGES = 64 };
typedef struct gx_rxl_first {
    bool     all, nonascii;     /* nonascii: any non-ASCII character */
    uint32_t ascii[4];
    int      n;
    int32_t  lo[GX_RXL_FIRST_RANGES], hi[GX_RXL_FIRST_RANGES];   /* sorted, disjoint */
} gx_rxl_first;
void gx_rxl_first_init(gx_rxl_first *f);
void gx_rxl_first_union(gx_rxl_first *acc, const gx_rxl *p);   /* p NULL: anything */
bool gx_rxl_first_may(const gx_rxl_first *f, const char *s, size_t n);

/* \d and \p{Han} of code point c, as pcre2 (PCRE2_UCP) answers. */
bool gx_rxl_digit(int32_t c);
bool gx_rxl_han(int32_t c);

void gx_rxl_free(gx_rxl *p);

#endif
