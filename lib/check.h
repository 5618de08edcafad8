/* check.h - gx-check: rules over the fact stream (spec schema.md §7).
 *
 * The rules are data (share/gx/rules.tsv). Each rule row holds an equation
 * in a small language over indicator ids:
 *
 *   equation := relation { "||" relation }          any alternative may pass
 *   relation := sum op sum                           op: = <= >= < >
 *   sum      := ["-"] term { ("+" | "-") term }
 *   term     := number | ref | func "(" args ")"
 *   ref      := [ src ":" ] id [ "[" dim "]" ]        src: narr prev derived
 *   id       := [a-z0-9_.*$]+ ("$" is the bound indicator or fact)
 *
 * Ownership: check_rules owns every string and term of its rules (in a few
 * blocks freed together); a check_doc owns the copies of its facts (one
 * arena per document, reused). */
#ifndef GX_CHECK_H
#define GX_CHECK_H

#include "gx.h"

#include <string.h>

enum check_sev { CHECK_DERIVE = -1, CHECK_INFO = 0, CHECK_WARN = 1, CHECK_ERROR = 2 };
/* Ordered from best to worst. */
enum check_status { CHECK_PASS, CHECK_PASS_IZ, CHECK_NA, CHECK_FAIL };
enum check_op { OP_EQ, OP_LE, OP_GE, OP_LT, OP_GT };
enum check_src { SRC_TABLE, SRC_NARR, SRC_PREV, SRC_DERIVED };
enum check_tk { TK_NUM, TK_REF, TK_FUNC };
enum check_fn { FN_KNOWN, FN_IS_TEXT, FN_IS_NA, FN_IS_EMPTY, FN_DECIMALS, FN_HAS_FLAG,
                FN_PREV_IDENTICAL, FN_PCT_TOTAL, FN_PCT_SHARE, FN_YEAR, FN_PARTS, FN_RATE };
enum check_each { EACH_NONE, EACH_IND, EACH_FACT, EACH_PCTROW, EACH_PCTCELL };
/* Tolerance kinds: absolute; percentages of a row (n x half a unit of the
 * last decimal shown, at least 0.05); one percentage (half a unit + tol). */
enum check_tolk { TOL_ABS, TOL_PCT_SUM, TOL_PCT_ITEM };

/* Schema bits (a document's schema column). */
enum {
    SCH_LEGACY_NARR = 1, SCH_LEGACY_TABLE = 2, SCH_M2019 = 4, SCH_M2021 = 8, SCH_OTHER = 16,
    SCH_ALL = 31
};
unsigned check_schema_bit(const char *s);

/* The hash of an indicator id or a dim of n bytes, for the lookups of a
 * document's facts: eight bytes at a time (ids are 20-40 bytes long, and
 * every fact's are hashed). */
static inline uint32_t check_hash_n(const char *s, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15u ^ n, w;
    if (n >= 8) {
        /* whole words, then the last eight bytes (overlapping) */
        const char *last = s + n - 8;
        for (; s < last; s += 8) {
            memcpy(&w, s, 8);
            h = (h ^ w) * 0xff51afd7ed558ccdu;
            h ^= h >> 29;
        }
        memcpy(&w, last, 8);
    } else {
        w = 0;
        for (size_t i = 0; i < n; i++) w |= (uint64_t)(unsigned char)s[i] << (8 * i);
    }
    h = (h ^ w) * 0xff51afd7ed558ccdu;
    return (uint32_t)(h ^ h >> 32);
}

static inline uint32_t check_hash(const char *s) { return check_hash_n(s, strlen(s)); }

typedef struct check_term {
    int    kind;        /* enum check_tk */
    int    coef;        /* +1 or -1 */
    int    src;         /* enum check_src */
    char  *id;          /* TK_REF; "$" = the bound indicator/fact */
    bool   bound;       /* id is "$" */
    uint32_t hid;       /* check_hash(id) */
    char  *dim;         /* NULL = the current dimension */
    uint32_t hdim;      /* check_hash(dim) */
    double num;         /* TK_NUM */
    int    dec;         /* decimals written (TK_NUM) */
    int    fn;          /* TK_FUNC */
    struct check_term *arg; /* TK_FUNC argument (a TK_REF), or NULL */
    char  *name;        /* has_flag's flag name */
} check_term;

/* pct_total: a term of the sum is pct_total() (it leaves state behind) */
typedef struct check_sum { check_term *t; int n; bool pct_total; } check_sum;
typedef struct check_rel { check_sum side[2]; int op; } check_rel;
/* mem: the blocks the terms and strings of a check_expr_parse() live in (NULL
 * when they belong to the check_rules they were parsed for). */
typedef struct check_expr { check_rel *rel; int n; void *mem; } check_expr;

/* A glob of each's ind: and fact:, taken apart at load: its plain head is
 * compared first, "*TAIL" by its tail, anything else by fnmatch(3). */
enum { GLOB_EXACT, GLOB_TAIL, GLOB_FNMATCH };
typedef struct check_glob {
    const char *pat;          /* without its '!' */
    const char *tail;         /* GLOB_TAIL: the plain text after the '*' */
    uint32_t    head, tail_len;
    int         kind;
    bool        neg;
} check_glob;

enum { CHECK_MAX_UNITS = 64 };

typedef struct check_rule {
    char      *id;             /* id, message and t_*: in check_rules.mem */
    int        sev;            /* enum check_sev */
    unsigned   schemas;        /* SCH_* bits */
    bool       per_applicant;  /* dims A */
    int        each;           /* enum check_each */
    char     **glob;           /* EACH_IND / EACH_FACT globs ('!' = exclude) */
    int        nglob;
    char      *f_unit, *f_unit_not, *f_source, *f_state, *f_flag; /* "|a|b|" lists or NULL */
    unsigned   f_src_mask, f_state_mask; /* f_source, f_state as bits by enum check_src, fact state */
    check_glob *gl;            /* glob[], taken apart */
    bool       glob_star;      /* one of them is "*" */
    const char **flag_names;   /* the items of f_flag */
    int        nflag_names;
    bool       unit_bits;      /* f_unit, f_unit_not as unit_in, unit_out (bits of check_rules.units) */
    uint64_t   unit_in, unit_out;
    const check_term *narr;    /* the first narr: term of the equation, or NULL */
    uint16_t   ss_mask;        /* EACH_FACT: bit source*4+state of the facts its filters let through */
    bool       fast;           /* "$ OP NUMBER" or "F($) OP NUMBER" (F a test of one fact), one
                                * alternative, no when, absolute tolerance: check.c fast_status */
    bool       pending;        /* only id, sev, schemas, line and t_* set yet (check_rules_build) */
    bool       has_when;
    check_expr when;
    check_expr eq;
    double     tol;
    int        tol_kind;       /* enum check_tolk */
    char      *message;
    /* as written, for --list-rules */
    char      *t_schemas, *t_dims, *t_each, *t_when, *t_eq, *t_tol;
    long       line;
} check_rule;

typedef struct check_rules {
    check_rule *r;
    int         n, cap;
    int        *derive;       /* indices of the derive rules, in order */
    int         nderive;
    char       *name;
    void       *mem;          /* the blocks every string and term of the rules lives in */
    struct check_pending *pend; /* by rule: what rule_build needs */
    unsigned    built;        /* SCH_* bits whose rules are all built */
    bool        derive_pct;   /* a derive rule's sum has pct_total() */
    /* the units named in unit= and unit!= filters (the first CHECK_MAX_UNITS) */
    const char *units[CHECK_MAX_UNITS];
    int         nunits;
} check_rules;

/* Parse a rules table (the text of share/gx/rules.tsv). On error writes
 * "name:line: message" into err and returns false (rs keeps what was read). */
bool check_rules_parse(check_rules *rs, const char *text, size_t len, const char *name,
                       char *err, size_t errsz);
/* The same, building each rule only when check_rules_build asks for one of
 * its schemas: for the built-in table, whose every row the tests parse
 * (a report needs the rules of its schema only). A table given at run time
 * is parsed whole by check_rules_parse, so that any error shows at once. */
bool check_rules_parse_lazy(check_rules *rs, const char *text, size_t len, const char *name,
                            char *err, size_t errsz);
/* Build the rules of the given SCH_* bits not built yet; false + message
 * ("name:line: message") in err on error. check_doc_run needs the rules of
 * its document's schema built. */
bool check_rules_build(check_rules *rs, unsigned schemas, char *err, size_t errsz);
void check_rules_free(check_rules *rs);
/* Write the rules as gx-TSV (--list-rules). */
void check_rules_list(const check_rules *rs, bool header);

/* Parse one equation; false + message in err on error. */
bool check_expr_parse(const char *s, check_expr *e, char *err, size_t errsz);
void check_expr_free(check_expr *e);

/* ---- evaluation -------------------------------------------------------- */

typedef struct check_opts {
    bool all;        /* also report passes */
    bool lenient;    /* §7.0 lenient mode: blanks count as 0 */
    bool strict;     /* warnings count for the exit status */
    bool annotate;   /* facts + check column */
    bool summary;    /* human-readable summary */
    bool cross_year;
    bool header;
} check_opts;

typedef struct check_fact {
    uint32_t f[GX_FACT_NCOL]; /* offsets into the arena; UINT32_MAX = \N */
    double   v;
    int      state;           /* 0 number, 1 empty, 2 na, 3 text */
    int      src;             /* enum check_src (table, narr, derived) */
    int      dec;
    int      next;            /* hash chain */
    uint32_t hid;             /* check_hash of the indicator */
    uint32_t hdim;            /* check_hash of the dim */
    uint32_t ind_len;         /* strlen of the indicator */
    int      unit;            /* index of the unit in check_rules.units, -1 (check_doc_run) */
    bool     ind_first;       /* the first table fact of its indicator (check_doc_run) */
    uint8_t  ss;              /* src * 4 + state */
    int      ref_row, ref_col;/* from ref "T1:r2:c3", -1 if none */
    uint32_t ref_tab;         /* length of the table part of ref */
    bool     pct;             /* unit % */
    int      note;            /* first annotation, -1 */
    int      tab;             /* the table of ref (check.c, tables_index), -1 if none */
} check_fact;

typedef struct check_note { int rule; int status; int next; } check_note;

typedef struct check_doc {
    gx_buf      arena;
    check_fact *facts;
    int         nfacts, cap;
    int        *hash;
    int         hcap;
    unsigned    schema;
    long        year;         /* -1 if unknown */
    const char *file;
    struct check_doc *prev;   /* --cross-year: same org, year - 1 */
    long        seq;          /* --cross-year: position in the input */
    check_note *notes;
    int         nnotes, ncap;
    /* the facts with a ref grouped by table, in input order: table t is
     * tfacts[tstart[t] .. tstart[t+1]-1]; built on the first use (tabs_ok) */
    int        *tfacts, *tstart;
    int         ntab;
    bool        tabs_ok;
    /* the facts a fact: rule's source and state filters let through (ss_mask
     * mmask[k]): mfacts[k * nfacts ..], mlen[k] of them, in input order;
     * made in check_doc_run as rules ask (rules share a few masks) */
    int        *mfacts;
    int         mcap;
    uint16_t    mmask[8];
    int         mlen[8], nmask;
} check_doc;

void check_doc_init(check_doc *d);
void check_doc_reset(check_doc *d);
void check_doc_free(check_doc *d);
/* Add one record of the fact stream, as gx_tsv_split leaves it (its fields
 * in order in one line, each ended by a NUL). false + error reported on bad
 * values. */
bool check_doc_add(check_doc *d, const gx_record *rec);
/* Call after the last fact: builds the index. */
void check_doc_index(check_doc *d);
const char *check_doc_field(const check_doc *d, int i, int col); /* NULL for \N */

/* Totals over a run, for the exit status and the summary. */
typedef struct check_tally {
    long n[4][3];             /* [status][severity] */
    long evaluated;
    bool error_fail, warn_fail;
    /* the worst finding of the current document (summary) */
    int  worst_rule, worst_status;
    gx_buf worst;
} check_tally;

/* Evaluate every rule on one document and write its findings (or its
 * annotated facts, or its summary). The rules of the document's schema must
 * be built (check_rules_build; check_rules_parse builds them all). */
void check_doc_run(check_doc *d, const check_rules *rs, const check_opts *o, check_tally *t);

/* One relation evaluated in a context without a document, for tests:
 * the sides given as known sums plus counts of blank terms. */
int check_status_of(int op, double diff, int pos_blank, int neg_blank, bool lhs_blank,
                    double tol, bool lenient);

const char *check_status_name(int status);
const char *check_sev_name(int sev);

#endif
