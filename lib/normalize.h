/* normalize.h - gx-normalize: from the document stream (with cells) to the
 * fact stream: schema detection per table, label matching, value parsing,
 * narrative figures, derived sums (spec schema.md §1-§8).
 *
 * All knowledge lives in share/gx: labels.tsv, narrative.tsv and
 * normalize_*.tsv. Tables and patterns are loaded on first use.
 */
#ifndef GX_NORMALIZE_H
#define GX_NORMALIZE_H

#include "gx.h"

/* ---- values (normalize_value.c) ---------------------------------------- */

typedef enum nz_state { NZ_EMPTY, NZ_NUMBER, NZ_NA, NZ_TEXT } nz_state;
extern const char *const nz_state_names[]; /* "empty" "number" "na" "text" */

enum {
    NZ_VF_SEP      = 1 << 0,  /* thousands separators removed */
    NZ_VF_SIGNWORD = 1 << 1,  /* sign given as a word: 减 22, 增 3 */
    NZ_VF_UNIT     = 1 << 2,  /* a unit printed inside the cell */
    NZ_VF_NOTE     = 1 << 3,  /* a note inside the cell: 22（其中修订16件） */
    NZ_VF_ZEROWORD = 1 << 4,  /* 零 */
};

typedef struct nz_value {
    nz_state state;
    char     num[64];   /* ASCII decimal when state is NZ_NUMBER */
    char     unit[32];  /* unit printed in the cell, else "" */
    char     note[192]; /* note printed in the cell (truncated), else "" */
    unsigned flags;
} nz_value;

/* Parse one printed value cell (spec §0 value semantics). A blank cell is
 * NZ_EMPTY, never 0; placeholders (normalize_values.tsv) are NZ_NA. */
void nz_value_parse(const char *s, size_t n, nz_value *v);

/* Length in bytes of the longest known unit (normalize_units.tsv) at the
 * start of s, or 0. */
size_t nz_unit_prefix(const char *s, size_t n);
/* True if s (after trimming) is exactly a known unit. */
bool nz_is_unit(const char *s, size_t n);

/* The words of share/gx/normalize_words.tsv, normalised (NFKC): each role's
 * word and its length in bytes (0 when the table has none). */
typedef struct nz_words {
    const char *breakdown;  size_t breakdown_n;   /* 其中 */
    const char *multiplier; size_t multiplier_n;  /* 万 */
    double      multiplier_value;                 /* 10000 */
    const char *label_unit; size_t label_unit_n;  /* 单位 */
} nz_words;
const nz_words *nz_words_get(void);

/* Write flags of v as comma-separated words into b (appends). */
void nz_value_flags(const nz_value *v, gx_buf *b);

/* ---- labels (normalize_label.c) ----------------------------------------- */

/* Matching key of one label (spec §8.1): NFKC, whitespace deleted, quotes
 * unified, numbering (一、 (一) (1) 1. 1、 其中：) and parenthesised notes
 * deleted, punctuation dropped. Appends to out. If unit is not NULL and a
 * note says 单位：X, X is copied into unit (cap bytes). */
void nz_label_key(const char *s, size_t n, gx_buf *out, char *unit, size_t cap);

#define NZ_MAXPARTS 16
/* A label path "A | B | C" as keys: key = the parts' keys concatenated,
 * end[i] = end offset of part i inside key (empty parts are dropped). */
typedef struct nz_path {
    gx_buf key;
    int    n;
    size_t end[NZ_MAXPARTS];
    char   unit[32];      /* from a (单位：X) note, else "" */
} nz_path;

void nz_path_init(nz_path *p);
void nz_path_free(nz_path *p);
void nz_path_set(nz_path *p, const char *s, size_t n);

/* The label map (labels.tsv). */
enum nz_kind { NZ_K_NONE = 0, NZ_K_L1 = 1, NZ_K_T2 = 2, NZ_K_T3 = 4, NZ_K_T4 = 8 };
enum nz_etype { NZ_E_FACT, NZ_E_DIM, NZ_E_UNIT, NZ_E_GROUP };

typedef struct nz_entry {
    int         type, kind, layout;     /* layout 0 = any */
    const char *row_g, *row_leaf;       /* keys; "" = none */
    const char *col_g, *col_leaf;
    const char *indicator, *dim, *unit; /* as in the table */
    int         lineno;
    const char *row_text, *col_text;    /* the paths as printed in the table */
    /* for a quick reject in nz_map_best: leaf key lengths, and their last
     * up to 4 bytes (tail_n of them) packed */
    size_t      row_leaf_n, col_leaf_n;
    uint32_t    row_tail, col_tail;
    int         row_tail_n, col_tail_n;
} nz_entry;

#define NZ_TAILB 64
typedef struct nz_map {
    nz_entry *e;
    int       n;
    int      *by_type[4];   /* entry indexes of each type, in table order */
    int       n_type[4];
    /* the same, split by the last 4 bytes of the row leaf (hashed into
     * NZ_TAILB buckets; by_tail[t] from tail_at[t][b], in table order), and
     * the entries whose row leaf is shorter (short_leaf, in table order):
     * only those can end a given row key */
    int      *by_tail[4];
    int       tail_at[4][NZ_TAILB + 1];
    int      *short_leaf[4];
    int       n_short[4];
    gx_table  t;
    /* The keys of a kind's entries are made when a table of that kind is
     * first matched (a report holds the tables of one template: legacy L1,
     * or modern T2-T4), into that kind's buffer; ready: the kinds done.
     * Until then an entry's key fields are NULL, and the indexes above
     * (by_tail, tail_at, short_leaf) hold only the entries of ready kinds.
     * by_type holds every entry. */
    int       ready;
    gx_buf    keys[4];
    /* rowless[t]: no entry of type t has a row label: nz_map_best of that
     * type then depends on the column path, kinds and layouts alone */
    bool      rowless[4];
} nz_map;

/* Load labels.tsv (path NULL: the embedded table). Dies on a bad table. */
void nz_map_load(nz_map *m, const char *path);
/* Make the keys of the entries of the given kinds (nz_map_best and
 * nz_map_cut do it for the kinds they are asked about). */
void nz_map_ready(nz_map *m, int kinds);
void nz_map_free(nz_map *m);
const char *nz_kind_name(int kind);      /* "l1" "t2" "t3" "t4" */

/* Score of a path against an entry side (group key g, leaf key leaf):
 * -1 no match; 0 the side is empty (matches anything); else larger is
 * better: the leaf must be a suffix of the path key; a group found in the
 * path counts most, a group found in ctx (row keys above, nearest first)
 * counts by distance. */
int nz_side_score(const nz_path *p, const char *g, const char *leaf,
                  const char *const *ctx, int nctx);

/* Best entry of the given type for a cell, among kinds (bit set) and the
 * layouts per kind (layout[kind bit index]); NULL if none. *ambiguous is
 * set when another entry with a different indicator/dim scored the same. */
typedef struct nz_match_in {
    const nz_path *row, *col;
    const char *const *ctx;
    int nctx;
    int kinds;
    int layout[4];      /* by kind index: l1 t2 t3 t4 */
} nz_match_in;
const nz_entry *nz_map_best(nz_map *m, int type, const nz_match_in *in,
                            bool *ambiguous);
int nz_kind_index(int kind);
/* A row label cut short (its last characters printed on another line and
 * read elsewhere, or lost): the entry of the given type whose row leaf
 * starts with the path's last part, when that part has at least 4
 * characters and 2/3 of the leaf's bytes, the column side and the kind and
 * layout fit, and no entry of another indicator or dim fits; else NULL. */
const nz_entry *nz_map_cut(nz_map *m, int type, const nz_match_in *in);

/* ---- a memo (normalize_label.c) ------------------------------------------- */

/* Results remembered by input bytes (and a salt: a variant of the question),
 * in bounded memory: cleared when full. nz_memo_get returns the value bytes
 * (*val_n of them) or NULL; then *h and *at say where nz_memo_put stores the
 * value for the same input. A memo starts zeroed (static). */
typedef struct nz_memo_slot { uint64_t h; uint32_t in, in_n, val, val_n, salt; } nz_memo_slot;
typedef struct nz_memo { nz_memo_slot *slot; int used; size_t cap; gx_buf arena; } nz_memo;
const char *nz_memo_get(nz_memo *m, const char *s, size_t n, unsigned salt, size_t *val_n,
                        uint64_t *h, size_t *at);
void nz_memo_put(nz_memo *m, const char *s, size_t n, unsigned salt, uint64_t h, size_t at,
                 const char *val, size_t val_n);

/* ---- the tool (normalize.c) --------------------------------------------- */

typedef struct nz_opts {
    const char *map_file;        /* --map: replaces labels.tsv */
    const char *cues_file;       /* --cues: replaces narrative.tsv */
    bool        no_header;
    bool        no_derived;
    bool        no_narrative;
} nz_opts;

/* Read the document stream from the operands, write the fact stream.
 * Returns the exit status. */
int nz_run(const nz_opts *o, int argc, char **argv, const char *files0);

#endif
