/* gx.h - the core of the gx library: errors, buffered I/O, gx-TSV, inputs,
 * command-line surface, embedded knowledge tables.
 *
 * Ownership rule (stated once, holds everywhere): a function that returns a
 * pointer into a buffer it does not hand over (a line, a field, a table) lends
 * it until the next call on the same object; callers copy what they keep.
 * Objects are created by X_open or X_init and released by X_close or X_free.
 */
#ifndef GX_H
#define GX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdbool.h>
#include <stdnoreturn.h>

#define GX_VERSION "0.1.0"

/* Exit status, the same for every tool. */
enum { GX_EXIT_OK = 0, GX_EXIT_FINDINGS = 1, GX_EXIT_ERROR = 2 };

/* ---- program, errors ------------------------------------------------- */

/* Set once from main(): the program name used in every message. */
void gx_prog_init(const char *name);
const char *gx_prog(void);

/* "prog: file:line: message\n" on stderr (line <= 0 omits ":line",
 * file NULL omits "file:"). Records that an error happened. */
void gx_error_at(const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Same text, does not count as an error (for warnings). */
void gx_warn_at(const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Message, flush what can be flushed, exit(code). */
noreturn void gx_die(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Number of gx_error_at calls so far: main() returns GX_EXIT_ERROR if > 0. */
long gx_error_count(void);

/* Checked allocation: dies with exit 2 on out-of-memory. */
void *gx_xmalloc(size_t n);
void *gx_xcalloc(size_t n, size_t size);
void *gx_xrealloc(void *p, size_t n);
char *gx_xstrdup(const char *s);

/* ---- growable byte buffer -------------------------------------------- */

typedef struct gx_buf {
    char  *data;   /* always NUL-terminated when len > 0 or after any append */
    size_t len;
    size_t cap;
} gx_buf;

void gx_buf_init(gx_buf *b);
void gx_buf_free(gx_buf *b);
void gx_buf_reset(gx_buf *b);                 /* len = 0, keeps memory */
void gx_buf_grow(gx_buf *b, size_t extra);    /* the slow path of gx_buf_reserve */
/* Room for extra more bytes and the terminating NUL. The appends are inline:
 * they run for every field of every record. */
static inline void gx_buf_reserve(gx_buf *b, size_t extra)
{
    if (b->len + extra + 1 > b->cap) gx_buf_grow(b, extra);
}
static inline void gx_buf_add(gx_buf *b, const void *p, size_t n)
{
    gx_buf_reserve(b, n);
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
}
static inline void gx_buf_addc(gx_buf *b, char c)
{
    gx_buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = 0;
}
void gx_buf_adds(gx_buf *b, const char *s);
void gx_buf_printf(gx_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- output ---------------------------------------------------------- */

/* Buffered standard output (64 KiB blocks, no per-line syscalls).
 * Write errors are fatal (exit 2, "write error: ..."), except EPIPE, which
 * ends the program quietly with status 0 (a closed pipe, e.g. `| head`). */
void gx_out(const void *p, size_t n);
void gx_outs(const char *s);
void gx_outc(char c);
void gx_outl(long v);                         /* decimal integer */
/* One gx-TSV field: escapes \\ \t \n \r. NULL writes \N. */
void gx_out_field(const char *s, size_t n);
void gx_out_fields(const char *s);            /* NUL-terminated, NULL => \N */
void gx_out_flush(void);                      /* also called at exit */

/* ---- input ----------------------------------------------------------- */

/* Line reader over a file descriptor, reading large blocks. Lines are
 * returned without the terminating LF (a CR before it is kept: the text
 * decoder, not the reader, owns line-end conventions). */
typedef struct gx_reader {
    int         fd;
    const char *name;      /* as given on the command line; "-" for stdin */
    long        lineno;    /* number of the line last returned (1-based) */
    char       *buf;
    size_t      cap, start, end;
    bool        eof;
    bool        err;       /* a read error happened (already reported) */
    size_t      max_line;  /* 0 = unlimited */
} gx_reader;

/* Open path ("-" = stdin). On failure reports "prog: path: reason" and
 * returns false. Directories are refused with "Is a directory". */
bool gx_reader_open(gx_reader *r, const char *path);
/* Next line: sets *line (NUL-terminated, writable until the next call) and
 * *len; returns false at end of input or after an error (r->err). Lines
 * longer than r->max_line are an error naming file and line. */
bool gx_reader_next(gx_reader *r, char **line, size_t *len);
void gx_reader_close(gx_reader *r);

/* Read a whole file ("-" = stdin) into b. false + message on failure. */
bool gx_slurp(const char *path, gx_buf *b);

/* ---- the inputs of a command ------------------------------------------ */

/* Iterates the file operands: the arguments, or "-" when there are none,
 * or the NUL-separated names in --files0-from=F ("-" = stdin). */
typedef struct gx_inputs {
    char      **argv;
    int         argc, i;
    const char *files0;    /* NULL unless --files0-from was given */
    gx_reader   f0;
    bool        f0_open, done;
    gx_buf      name;
} gx_inputs;

void gx_inputs_init(gx_inputs *in, int argc, char **argv, const char *files0);
/* Next operand, or NULL when done. */
const char *gx_inputs_next(gx_inputs *in);
void gx_inputs_free(gx_inputs *in);

/* ---- gx-TSV ------------------------------------------------------------ */

#define GX_NULL_FIELD "\\N"

/* One record, split in place: fields are NUL-terminated slices of the line
 * buffer, unescaped. A field that was exactly \N has null[i] == true and
 * f[i] == "" . */
typedef struct gx_record {
    char  **f;
    size_t *len;
    bool   *null;
    int     n;
    int     cap;
    const char *file;
    long    line;
} gx_record;

/* A gx-TSV input: every operand in turn, with header handling.
 * `columns` is the header this tool expects (e.g. the document stream).
 * The first line of each operand must be that header (extra trailing columns
 * are accepted and ignored; fewer, or different names, are an error).
 * Later lines identical to the header are skipped (concatenated streams).
 * A record with the wrong number of fields is an error naming file and line;
 * that record is skipped and reading goes on. */
typedef struct gx_tsv_in {
    gx_inputs   inputs;
    gx_reader   r;
    bool        open;
    const char *const *columns;
    int         ncol;          /* expected columns */
    int         file_ncol;     /* columns of the current operand's header */
    bool        header_seen;
    char       *header_line;   /* copy of the current operand's header */
    size_t      header_len;
    gx_record   rec;
    /* Set keep_raw (after gx_tsv_in_init) to have each record's line as
     * read (a CR at its end removed, still escaped, TAB-separated, all of
     * the operand's columns) in raw until the next call: a filter that
     * passes most records through unchanged can write them back as they
     * came instead of escaping every field again. */
    bool        keep_raw;
    gx_buf      raw;
} gx_tsv_in;

void gx_tsv_in_init(gx_tsv_in *t, int argc, char **argv, const char *files0,
                    const char *const *columns, int ncol);
/* Next record, or NULL at the end of all operands. rec->f[i] for
 * i < ncol only. Errors are reported and counted (gx_error_count). */
gx_record *gx_tsv_next(gx_tsv_in *t);
/* The next record line (NUL-terminated, writable until the next call) after
 * every check gx_tsv_next makes but splitting it and counting its fields
 * (the caller's: t->file_ncol is the header's count; t->rec.file and
 * t->rec.line are set); false at the end of all operands. For a filter
 * that passes most lines through as they are. */
bool gx_tsv_next_line(gx_tsv_in *t, char **line, size_t *len);
void gx_tsv_in_free(gx_tsv_in *t);

/* Split a line in place at TABs and unescape each field (no header logic).
 * Returns the number of fields. */
int gx_tsv_split(gx_record *rec, char *line, size_t len);
void gx_record_free(gx_record *rec);

/* Unescape one field in place; returns its new length. */
size_t gx_tsv_unescape(char *s, size_t n);

/* Write a header line from a column list (TABs, LF). */
void gx_out_header(const char *const *columns, int ncol);

/* The streams of DESIGN.md. */
extern const char *const gx_doc_columns[];      /* 14 */
extern const char *const gx_fact_columns[];     /* 14 */
extern const char *const gx_finding_columns[];  /* 11 */
enum { GX_DOC_NCOL = 14, GX_FACT_NCOL = 14, GX_FINDING_NCOL = 11 };

enum gx_doc_col {
    DOC_DOC, DOC_LINE, DOC_PAGE, DOC_PARA, DOC_SEC, DOC_LEVEL, DOC_KIND,
    DOC_ROLE, DOC_TABLE, DOC_ROW, DOC_COL, DOC_ROWHEAD, DOC_COLHEAD, DOC_TEXT
};
enum gx_fact_col {
    FACT_DOC, FACT_YEAR, FACT_ORG, FACT_SCHEMA, FACT_INDICATOR, FACT_DIM,
    FACT_VALUE, FACT_UNIT, FACT_STATE, FACT_SOURCE, FACT_LINE, FACT_REF,
    FACT_FLAGS, FACT_RAW
};
enum gx_finding_col {
    FIND_DOC, FIND_RULE, FIND_SEVERITY, FIND_STATUS, FIND_INDICATOR, FIND_DIM,
    FIND_EXPECTED, FIND_ACTUAL, FIND_DELTA, FIND_LINE, FIND_MESSAGE
};

/* ---- command-line surface ----------------------------------------------- */

/* One option of a command. The same table drives parsing (getopt_long),
 * --help and the shell completions (`--completion=bash|zsh|fish`). */
typedef struct gx_opt {
    const char *name;      /* long name without "--" */
    char        short_name;/* 0 if none */
    const char *arg;       /* NULL: no argument; else its metavariable, e.g. "FILE" */
    const char *help;      /* one line */
    const char *values;    /* for completion: space-separated choices, "FILE", or NULL */
} gx_opt;

typedef struct gx_cmd {
    const char   *name;        /* "gx-segment" */
    const char   *synopsis;    /* "[OPTION]... [FILE]..." */
    const char   *summary;     /* one line: what it does */
    const gx_opt *opts;        /* terminated by {0} */
    const char   *details;     /* free text after the options (may be NULL) */
    const char   *examples;    /* lines of examples (may be NULL) */
} gx_cmd;

/* The options every tool has; append them to a tool's own table with
 * GX_COMMON_OPTS. --help, --version, --completion are handled by
 * gx_parse_common; --no-header and --files0-from are reported back. */
#define GX_COMMON_OPTS \
    {"files0-from", 0, "F", "read input file names from F, NUL-separated (- for stdin)", "FILE"}, \
    {"no-header", 0, NULL, "do not write the header line", NULL}, \
    {"help", 'h', NULL, "show this help and exit", NULL}, \
    {"version", 'V', NULL, "show the version and exit", NULL}, \
    {"completion", 0, "SHELL", "print the shell completion script (bash, zsh, fish) and exit", "bash zsh fish"}

void gx_help(const gx_cmd *cmd, FILE *fp);
void gx_completion(const gx_cmd *cmd, const char *shell, FILE *fp);

/* Option parsing over a gx_cmd table. Call gx_getopt() until it returns -1.
 * It returns the short name, or for long-only options 256 + index into
 * cmd->opts; *arg is the option argument. --help/--version/--completion
 * are handled inside (exit 0); unknown options print a usage hint and
 * exit 2. After -1, *optind_out is the index of the first operand. */
typedef struct gx_getopt_state {
    int   optind;
    void *longopts;  /* private */
    char *shortopts; /* private */
} gx_getopt_state;

int  gx_getopt(const gx_cmd *cmd, gx_getopt_state *st, int argc, char **argv,
               const char **arg);
/* Index of a long option by name in cmd->opts (for comparing results). */
int  gx_opt_id(const gx_cmd *cmd, const char *name);
void gx_getopt_free(gx_getopt_state *st);

/* ---- knowledge tables (share/gx TSV files, embedded at build time) -------- */

/* The embedded copy of share/gx/<name> (e.g. "sections.tsv"), or NULL.
 * If the environment variable GX_SHARE is set to a directory, the file is
 * read from there instead (for trying edited tables without rebuilding). */
const char *gx_share(const char *name, size_t *len);

/* A loaded table: rows of TAB-separated fields; lines starting with '#'
 * and blank lines are skipped; the first remaining line is the header.
 * Fields are unescaped as gx-TSV. */
typedef struct gx_table {
    char       *text;        /* owned copy */
    char     ***rows;        /* rows[i][j] */
    int         nrows;
    int         ncols;
    char      **header;
    const char *name;
    char      **cells;       /* private: one block behind header and rows */
} gx_table;

/* Load from a file path, or, when path is NULL, from the embedded table
 * `name`. Dies (exit 2) with file:line on a malformed table. */
void gx_table_load(gx_table *t, const char *name, const char *path);
int  gx_table_col(const gx_table *t, const char *column); /* -1 if absent */
/* The lines of a table's text [*p, end), for readers of their own: the next
 * line that is not blank and not a '#' comment, NUL-terminated in place with
 * a CR before the LF removed. *lineno counts every line. False at the end. */
bool gx_table_line(char **p, char *end, char **line, size_t *len, long *lineno);
void gx_table_free(gx_table *t);

#endif
