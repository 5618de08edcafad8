/* tables.h - gx-tables: rebuild the table blocks of the document stream as
 * grids and write one `cell` row per value cell.
 *
 * The pieces:
 *   tb_grid     the raw rows of one table block split into cells (by TAB,
 *               one cell per line, markdown pipes, CSV, or the whitespace
 *               gaps of pdftotext -layout: tables_layout.c, tables_csv.c);
 *   tb_know     the knowledge tables share/gx/tables_*.tsv;
 *   tb_build    the grid -> cells algorithm (tables_grid.c): header rows and
 *               their column paths, row label paths, row alignment;
 *   gx_tables   the document-stream filter (tables.c).
 * Ownership: a tb_grid owns its cell texts (an arena); tb_build lends each
 * tb_out to the callback for the duration of the call.
 */
#ifndef GX_TABLES_H
#define GX_TABLES_H

#include "gx.h"
#include "text.h"
#include "rxlite.h"

/* ---- knowledge ---------------------------------------------------------- */

typedef struct tb_know tb_know;

/* Load the embedded share/gx/tables_*.tsv (or $GX_SHARE). */
tb_know *tb_know_load(void);
void tb_know_free(tb_know *k);

/* Cell classes. */
enum tb_class { TB_EMPTY, TB_TEXT, TB_NUMBER, TB_NA, TB_UNIT };
int tb_classify(const tb_know *k, const char *s, size_t n);
/* Numbering at the start of a label: style index (>= 0) or -1; *num the
 * numeral's value, *rank the style's rank, *end the byte length of the
 * numbering prefix. */
int tb_numbering(const tb_know *k, const char *s, size_t n, long *num, int *rank, size_t *end);
/* Is s (already a path part) a known complete row label? */
bool tb_known_label(const tb_know *k, const char *s, size_t n);
/* Number of value columns of a known template whose keyword occurs in the
 * normalised header text h, or 0. */
int tb_template_columns(const tb_know *k, const char *h, size_t n);
/* The same, and the template's leaf header words (the lowest header row of
 * one repeated column group, in order; *nleaves 0 when it has none). */
int tb_template(const tb_know *k, const char *h, size_t n, const char *const **leaves, int *nleaves);
/* share/gx/tables_words.tsv: the length of the breakdown word (其中) that
 * s starts with (as printed, or normalised when norm), else 0; and whether
 * a label ends with a label_end word (a complete label). */
size_t tb_breakdown(const tb_know *k, const char *s, size_t n, bool norm);
bool tb_label_closed(const tb_know *k, const char *s, size_t n);
/* Is the trimmed line page furniture (a page number or running footer)? */
bool tb_footer(const tb_know *k, const char *s, size_t n);


/* ---- grid --------------------------------------------------------------- */

/* Row flags set by the splitters. */
enum {
    TB_ROW_WRAPPED  = 1u << 0,   /* a cell was joined from continuation lines */
    TB_ROW_PAGE     = 1u << 1,   /* first row after a page break */
    TB_ROW_MERGED   = 1u << 2,   /* layout: label lines merged into this row */
    TB_ROW_GUESSED  = 1u << 3,   /* layout: a cell's column was guessed */
};

typedef struct tb_cell {
    size_t off, len;   /* text in the grid arena (raw, untrimmed) */
    int    src;        /* source record index (for line, page, ...) */
} tb_cell;

typedef struct tb_row {
    int      first, n; /* cells[first .. first+n) */
    int      src;      /* source record of the row */
    unsigned flags;
} tb_row;

typedef struct tb_grid {
    gx_buf   arena;
    tb_cell *cells;
    int      ncells, capcells;
    tb_row  *rows;
    int      nrows, caprows;
    bool     open;     /* a row is being built */
} tb_grid;

void tb_grid_init(tb_grid *g);
void tb_grid_free(tb_grid *g);
void tb_grid_reset(tb_grid *g);
void tb_grid_row(tb_grid *g, int src, unsigned flags);     /* start a row */
void tb_grid_cell(tb_grid *g, const char *s, size_t n, int src);
/* Append text to the last cell of the open row (sep between, may be NULL). */
void tb_grid_append(tb_grid *g, const char *sep, const char *s, size_t n);
static inline const char *tb_text(const tb_grid *g, const tb_cell *c)
{
    return g->arena.data + c->off;
}

/* Splitters: append the rows of one line. */
void tb_split_tabs(tb_grid *g, const char *s, size_t n, int src, unsigned flags);
/* Markdown pipe row; returns false if the line is not one. */
bool tb_split_pipes(tb_grid *g, const char *s, size_t n, int src, unsigned flags);

/* Layout (pdftotext -layout) splitter over a whole block: the lines are
 * given with their source indices; fills g. */
typedef struct tb_line {
    const char *s;
    size_t      n;
    int         src;
    int         page;
} tb_line;
void tb_split_layout(const tb_know *k, tb_grid *g, const tb_line *lines, int nlines);

/* ---- build: grid -> cells --------------------------------------------- */

/* Cell flags (written comma-separated in the `flags` column). */
enum {
    TB_F_SHIFTED    = 1u << 0,  /* extra empty cells before the values dropped */
    TB_F_WRAPPED    = 1u << 1,  /* row label joined from a wrapped line */
    TB_F_PADDED     = 1u << 2,  /* the row had fewer value cells: this one is missing */
    TB_F_OVERFLOW   = 1u << 3,  /* more value cells than columns: no column header */
    TB_F_LEAD_EMPTY = 1u << 4,  /* value row starts with empty cells under an empty header */
    TB_F_NOHEAD     = 1u << 5,  /* no column header could be found */
    TB_F_STITCHED   = 1u << 6,  /* header taken from the table before (page break) */
    TB_F_GUESSED    = 1u << 7,  /* layout: column assignment guessed */
    TB_F_NOLABEL    = 1u << 8,  /* value row without a row label */
};
/* Comma-separated names of flags into b (appends). lead is the number of
 * leading empty cells for TB_F_LEAD_EMPTY. */
void tb_flags_text(unsigned flags, int lead, gx_buf *b);

typedef struct tb_out {
    int         src;
    int         row, col;
    const char *rowhead, *colhead, *text;
    size_t      textlen;
    unsigned    flags;
    int         lead;
} tb_out;

typedef void (*tb_emit_fn)(void *ctx, const tb_out *o);

/* State carried from one table to the next of the same document, for a
 * table continued on the next page without its header. */
typedef struct tb_carry {
    bool   valid;
    bool   allow;      /* this table may take the column paths (set by the caller) */
    int    k;
    gx_buf colheads;   /* K NUL-terminated paths */
} tb_carry;

void tb_carry_init(tb_carry *c);
void tb_carry_free(tb_carry *c);

/* Build the cells of one table block and call emit for each. carry may be
 * NULL; when given, a block without header rows whose value count matches
 * takes the column paths from it, and the block's own header is saved in
 * it. Returns the number of cells emitted. */
int tb_build(const tb_know *k, const tb_grid *g, tb_carry *carry,
             tb_emit_fn emit, void *ctx);

/* A scratch array reused from one table block to the next (a static of the
 * function that needs it; the tools are single-threaded): returns n zeroed
 * elements of size sz (at least one), growing only when a larger block
 * comes. Memory stays bounded by the largest block. */
typedef struct tb_scratch { void *p; size_t cap; } tb_scratch;
void *tb_scratch_zero(tb_scratch *s, size_t n, size_t sz);

/* gx_trim, the common cases without it (tb_trim_slow): a first and
 * last byte that are printable ASCII, or lead bytes of the common CJK
 * ideographs (E4..E9: U+4000..U+9FFF, none of them whitespace; an
 * invalid sequence stops gx_trim too), are not trimmed. */
const char *tb_trim_slow(const char *s, size_t *n);
static inline const char *tb_trim(const char *s, size_t *n)
{
    size_t m = *n;
    if (m) {
        unsigned char a = (unsigned char)s[0], z = (unsigned char)s[m - 1];
        bool start = (a > 0x20 && a < 0x80) || (a >= 0xE4 && a <= 0xE9);
        bool end = (z > 0x20 && z < 0x80) ||
                   (m >= 3 && (z & 0xC0) == 0x80 && ((unsigned char)s[m - 2] & 0xC0) == 0x80 &&
                    (unsigned char)s[m - 3] >= 0xE4 && (unsigned char)s[m - 3] <= 0xE9);
        if (start && end) return s;
    }
    return tb_trim_slow(s, n);
}

/* Path part normalisation: whitespace next to a wide (CJK) character
 * deleted, other whitespace runs become one space, trimmed. Appends. */
void tb_path_part(const char *s, size_t n, gx_buf *out);

/* ---- the filter ---------------------------------------------------------- */

typedef struct gx_tables_opts {
    bool        flags_column;   /* write the trailing `flags` column */
    bool        no_header;
    const char *doc;            /* --doc for CSV input */
} gx_tables_opts;

/* Document stream in, document stream + cells out. */
void gx_tables_stream(const gx_tables_opts *o, gx_tsv_in *in);
/* CSV files in (one table per file), document stream + cells out. */
void gx_tables_csv(const gx_tables_opts *o, gx_inputs *in);

/* The output columns: the document stream, then `flags`. */
extern const char *const gx_tables_columns[];
enum { GX_TABLES_NCOL = 15 };

#endif
