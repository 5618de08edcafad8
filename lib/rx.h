/* rx.h - PCRE2 (8-bit) patterns that cost nothing until they are used.
 *
 * A gx_rx is declared with its pattern text and compiled on its first match,
 * so a pattern a report never needs costs nothing at start-up. It is matched
 * by the PCRE2 interpreter at first and JIT-compiled only once it has been
 * used GX_RX_JIT_AFTER times, or at once on a subject of GX_RX_JIT_BYTES or
 * more: one small report never pays the JIT compiler, a long stream does
 * once. Each pattern keeps one match-data block, reused by every match (the
 * groups of the last match stay readable until the next one).
 *
 *   static gx_rx year = GX_RX_INIT("(\\d{4})年", 0);
 *   if (gx_rx_match(&year, s, n, 0, 0) > 1) { gx_rx_group(&year, 1, &a, &b); ... }
 *
 * Patterns are UTF-8 (PCRE2_UTF) unless GX_RX_BYTES is given.
 *
 * The subject and valid UTF-8: pcre2 checks the whole subject on every call
 * unless told it is valid; a caller that has checked it (gx_utf8_valid)
 * passes GX_RX_VALID, and the check is skipped. Passing GX_RX_VALID with
 * invalid UTF-8 is undefined behaviour (as in pcre2).
 *
 * The subject buffer and the JIT: JIT-compiled code may read up to
 * GX_RX_PAD bytes past the end of the subject (its vectorised searches load
 * whole blocks). Those reads never fault, but a memory checker reports them
 * when the bytes are not initialised. So:
 *   - a caller that guarantees GX_RX_PAD initialised, readable bytes after
 *     s[n] (e.g. a gx_buf passed through gx_rx_pad()) passes GX_RX_PADDED,
 *     and the JIT runs on the subject in place;
 *   - otherwise a subject of at most GX_RX_COPY_MAX bytes is copied into a
 *     padded scratch buffer before a JIT match (offsets stay the same), and
 *     a longer one is matched by the interpreter: correct, never a read past
 *     the end, only slower. Callers matching many times over one long
 *     subject should pad it.
 *
 * The literal prefilter (GX_RX_LITERAL): when compiling, the longest run
 * of literal characters that every match must contain is taken from the
 * pattern (at its top level: not inside a group, not made optional by ?, *
 * or {; nothing when the top level has an alternative | or the pattern sets
 * options), and a subject (from start on) without it is answered "no match"
 * (0) without running pcre2. Same answers, cheaper when most subjects lack
 * the word: many patterns over short lines. Over one long subject that
 * usually holds the word (a whole report) it costs more than it saves
 * (pcre2 has its own first/last code unit searches), hence opt-in.
 *
 * The small matcher (rxlite.h): a pattern within its subset of the syntax
 * (most patterns of the knowledge tables), after leading (*UCP), (*UTF),
 * (*NO_AUTO_POSSESS) or (*NO_START_OPT) verbs, is matched by
 * it with pcre2's answers and groups, without compiling it in pcre2 at
 * all: one small report then pays no pcre2 compile. It is used when the
 * subject is valid UTF-8 (GX_RX_VALID) and the match is tried at one
 * place (GX_RX_ANCHORED, or a pattern beginning with ^ or \G) or on at
 * most GX_RX_LITE_BYTES bytes; a long search goes to pcre2 and its JIT.
 * GX_RX_NOLITE (tests comparing with pcre2) keeps a pattern to pcre2.
 *
 * A bad pattern: gx_rx_compile() compiles now and returns false with a
 * message, for patterns that come from the user (check them at load time);
 * a pattern that fails to compile on its first match ends the program with
 * "WHERE: row ROW: bad pattern at offset N: MESSAGE" (exit 2), WHERE and ROW
 * as given to gx_rx_set (a bundled table: a bug that the tests catch).
 *
 * Not thread-safe (no tool uses threads): patterns and the scratch buffer
 * are per process. */
#ifndef GX_RX_H
#define GX_RX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gx.h"

struct gx_rxl;
struct pcre2_real_code_8;
struct pcre2_real_match_data_8;

enum {
    GX_RX_JIT_AFTER = 64,      /* JIT-compile after this many matches ... */
    GX_RX_JIT_BYTES = 16384,   /* ... or at once on a subject this long */
    GX_RX_PAD       = 64,      /* bytes the JIT may read past the subject */
    GX_RX_COPY_MAX  = 4096,    /* longest unpadded subject copied for the JIT */
    GX_RX_LITE_BYTES = 256,    /* longest unanchored search of the small matcher */
};

/* compile flags (gx_rx_set, GX_RX_INIT) */
enum {
    GX_RX_BYTES    = 1 << 0,   /* no PCRE2_UTF: bytes, not characters */
    GX_RX_CASELESS = 1 << 1,
    GX_RX_NOJIT    = 1 << 2,   /* never JIT-compile this pattern (may be cleared
                                  later: the JIT is then allowed from the next match) */
    GX_RX_LITERAL  = 1 << 3,   /* the literal prefilter (below) */
    GX_RX_NOLITE   = 1 << 4,   /* always pcre2, never the small matcher (below) */
};

/* match flags (gx_rx_match) */
enum {
    GX_RX_VALID    = 1 << 0,   /* the subject is valid UTF-8: skip pcre2's check */
    GX_RX_PADDED   = 1 << 1,   /* GX_RX_PAD initialised bytes follow s[n] */
    GX_RX_ANCHORED = 1 << 2,   /* match only at start */
};

typedef struct gx_rx {
    const char *pattern;       /* not copied: must outlive the gx_rx */
    unsigned    flags;
    const char *where;         /* for the error message; may be NULL */
    int         row;
    struct pcre2_real_code_8       *re;   /* NULL until first use */
    struct pcre2_real_match_data_8 *md;
    unsigned    uses;          /* matches so far (capped) */
    bool        jit;           /* JIT-compiled */
    bool        jit_failed;    /* the JIT is unavailable for it: never retry */
    const char *lit;           /* a literal every match contains (in pattern), or NULL */
    size_t      lit_n;
    struct gx_rxl *lite;       /* the small matcher's program, or NULL */
    size_t     *lite_caps;     /* its groups of the last match */
    unsigned char lite_state;  /* 0 not tried yet, 1 outside its subset, 2 lite set */
    bool        lite_last;     /* the last match was the small matcher's */
} gx_rx;

#define GX_RX_INIT(pat, fl) { (pat), (fl), NULL, 0, NULL, NULL, 0, false, false, NULL, 0, NULL, NULL, 0, false }

/* Declare r for pattern pat (kept by pointer; nothing compiled yet). */
void gx_rx_set(gx_rx *r, const char *pat, unsigned flags, const char *where, int row);

/* Compile now (no JIT). True if the pattern is good (also when it was
 * compiled before); else false and a message in err (errcap bytes). */
bool gx_rx_compile(gx_rx *r, char *err, size_t errcap);

/* Match at or after byte offset start of s[0..n). Returns the number of
 * captured pairs set + 1 (>= 1) on a match, 0 on no match, and < 0 on a
 * matching error (a PCRE2 error code: bad UTF-8, match limit). */
int gx_rx_match(gx_rx *r, const char *s, size_t n, size_t start, unsigned mflags);

/* Offsets of group g of the last successful match; (SIZE_MAX, SIZE_MAX)
 * when the group did not take part (or g is out of range). */
void gx_rx_group(const gx_rx *r, int g, size_t *a, size_t *b);
#define GX_RX_UNSET SIZE_MAX

/* The name of the last (*MARK:name) the last successful match passed, or
 * NULL (valid until the next match with r). */
const char *gx_rx_mark(const gx_rx *r);

/* Number of the named group (?<name>...) of r (compiles r), or -1. */
int gx_rx_group_number(gx_rx *r, const char *name);

/* Replace every match in s[0..n) by the literal text rep (global, as
 * pcre2_substitute); the result goes to out (reset first, NUL-terminated).
 * Returns the number of replacements, or < 0 on error (out is then a copy
 * of s). */
int gx_rx_replace(gx_rx *r, const char *s, size_t n, const char *rep, gx_buf *out,
                  unsigned mflags);

/* Make b's GX_RX_PAD bytes after its end readable and initialised (zeros),
 * so that b->data, b->len may be matched with GX_RX_PADDED. Call again after
 * any change to b (a growth may move it). */
void gx_rx_pad(gx_buf *b);

/* Release the compiled pattern (r can be used again: it recompiles). */
void gx_rx_free(gx_rx *r);

/* Counters for tests and profiling: patterns compiled, JIT-compiled. */
typedef struct gx_rx_stats { unsigned compiled, jitted, copied, interp_long, prefiltered, lite; } gx_rx_stats;

/* The prefilter's literal of r (compiles r); its length, 0 when none. */
size_t gx_rx_literal(gx_rx *r, const char **lit);
gx_rx_stats gx_rx_get_stats(void);

#endif
