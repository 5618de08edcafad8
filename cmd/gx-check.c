/* gx-check - evaluate the accounting identities, the narrative-vs-table
 * cross-checks and the sanity rules over the fact stream. */
#include "check.h"

#include <stdlib.h>
#include <string.h>

static const gx_opt opts[] = {
    {"all", 'a', NULL, "also report the rules that pass", NULL},
    {"summary", 's', NULL, "print a human-readable summary per report instead of findings", NULL},
    {"annotate", 0, NULL, "pass the facts through with an added check column", NULL},
    {"strict", 0, NULL, "failed warn-level rules also make the exit status 1", NULL},
    {"lenient", 0, NULL, "count blank and placeholder cells as 0 (spec 7.0 lenient mode)", NULL},
    {"cross-year", 'y', NULL, "also run the cross-year rules (XY-*) across reports of one issuer", NULL},
    {"rules", 'r', "FILE", "read the rules from FILE instead of the built-in table", "FILE"},
    {"list-rules", 'l', NULL, "print the rules (id, severity, equation) and exit", NULL},
    GX_COMMON_OPTS,
    {0},
};

static const gx_cmd cmd = {
    "gx-check",
    "[OPTION]... [FILE]...",
    "Check the fact stream (of gx-normalize) against the accounting identities of the report\n"
    "templates, the narrative figures against the tables, and sanity rules; write findings.",
    opts,
    "Output: one finding per rule that failed or could not be assessed (--all adds the\n"
    "passes), columns doc rule severity status indicator dim expected actual delta line\n"
    "message. Status: pass, pass_implied_zero, not_assessable, fail.\n"
    "Blank cells (state empty or na) are unknown, never 0: a sum whose known parts\n"
    "already exceed the total fails; one whose known parts equal it passes with\n"
    "implied zeros; otherwise it is not assessable (--lenient: fails).\n"
    "Narrative bounds: a narrative fact flagged bound=ge (or lower_bound), bound=le\n"
    "(upper_bound), bound=gt, bound=lt or bound=approx is compared as such.\n"
    "Rules are data: see --list-rules and share/gx/rules.tsv; gx-check(1) explains each.",
    "  gx-segment r.txt | gx-tables | gx-normalize | gx-check\n"
    "  gx-check --summary facts.tsv\n"
    "  gx-check --all facts.tsv | awk -F'\\t' '$4 == \"fail\"'\n"
    "  gx-check --cross-year facts-2020.tsv facts-2021.tsv\n"
    "  gx-check --list-rules | cut -f1,2,7",
};

static void load_rules(check_rules *rs, const char *path, bool whole)
{
    char err[512];
    bool ok;
    if (path) {
        gx_buf b;
        gx_buf_init(&b);
        if (!gx_slurp(path, &b)) exit(GX_EXIT_ERROR);
        ok = check_rules_parse(rs, b.data ? b.data : "", b.len, path, err, sizeof err);
        gx_buf_free(&b);
    } else {
        size_t len;
        const char *text = gx_share("rules.tsv", &len);
        if (!text) gx_die(GX_EXIT_ERROR, "no built-in rules table (rules.tsv)");
        /* The built-in table (tests/unit/test_check.c parses every row of
         * it) is built rule by rule as the schemas of the reports need them;
         * one read from GX_SHARE is checked whole, as a --rules file, and
         * so is the table --list-rules prints. */
        const char *dir = getenv("GX_SHARE");
        if (whole || (dir && *dir)) ok = check_rules_parse(rs, text, len, "rules.tsv", err, sizeof err);
        else ok = check_rules_parse_lazy(rs, text, len, "rules.tsv", err, sizeof err);
    }
    if (!ok) gx_die(GX_EXIT_ERROR, "%s", err);
}

/* check_doc_run, with the rules of the document's schema built. */
static void run_doc(check_doc *d, check_rules *rs, const check_opts *o, check_tally *t)
{
    char err[512];
    if (!check_rules_build(rs, d->schema, err, sizeof err)) gx_die(GX_EXIT_ERROR, "%s", err);
    check_doc_run(d, rs, o, t);
}

/* --cross-year: the report of the same issuer for the year before (docs
 * sorted by issuer and year, then a binary search for each). */
static const char *doc_org(const check_doc *d)
{
    const char *o = check_doc_field(d, 0, FACT_ORG);
    return o ? o : "";
}

static int by_org_year(const void *a, const void *b)
{
    const check_doc *x = *(check_doc *const *)a, *y = *(check_doc *const *)b;
    int c = strcmp(doc_org(x), doc_org(y));
    if (c) return c;
    return (x->year > y->year) - (x->year < y->year);
}

static int by_org_year_seq(const void *a, const void *b)
{
    int c = by_org_year(a, b);
    if (c) return c;
    const check_doc *x = *(check_doc *const *)a, *y = *(check_doc *const *)b;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static void link_years(check_doc **docs, int n)
{
    check_doc **sorted = gx_xmalloc((size_t)(n ? n : 1) * sizeof *sorted);
    memcpy(sorted, docs, (size_t)n * sizeof *sorted);
    for (int i = 0; i < n; i++) docs[i]->seq = i;
    qsort(sorted, (size_t)n, sizeof *sorted, by_org_year_seq);
    for (int i = 0; i < n; i++) {
        check_doc *d = docs[i];
        if (!*doc_org(d) || d->year < 0) continue;
        check_doc key = *d;
        key.year = d->year - 1;
        const check_doc *kp = &key;
        check_doc **hit = bsearch(&kp, sorted, (size_t)n, sizeof *sorted, by_org_year);
        if (!hit) continue;
        while (hit > sorted && by_org_year(hit - 1, &kp) == 0) hit--; /* the first in input order */
        d->prev = *hit;
    }
    free(sorted);
}

int main(int argc, char **argv)
{
    gx_prog_init(argv[0]);
    check_opts o = {.header = true};
    const char *rules_path = NULL, *files0 = NULL, *arg;
    bool list = false;
    gx_getopt_state st = {0};
    int c;
    while ((c = gx_getopt(&cmd, &st, argc, argv, &arg)) != -1) {
        if (c == 'a') o.all = true;
        else if (c == 's') o.summary = true;
        else if (c == 'y') o.cross_year = true;
        else if (c == 'r') rules_path = arg;
        else if (c == 'l') list = true;
        else if (c == gx_opt_id(&cmd, "annotate")) o.annotate = true;
        else if (c == gx_opt_id(&cmd, "strict")) o.strict = true;
        else if (c == gx_opt_id(&cmd, "lenient")) o.lenient = true;
        else if (c == gx_opt_id(&cmd, "files0-from")) files0 = arg;
        else if (c == gx_opt_id(&cmd, "no-header")) o.header = false;
    }
    int optind_ = st.optind;
    gx_getopt_free(&st);
    if (o.summary && o.annotate) {
        fprintf(stderr, "%s: --summary and --annotate exclude each other\n", cmd.name);
        fprintf(stderr, "Try '%s --help' for more information.\n", cmd.name);
        return GX_EXIT_ERROR;
    }

    /* A rules file given is read (and checked) now; the built-in rules on the
     * first document: empty input costs nothing. */
    static check_rules rs;   /* static: still reachable at exit, not freed (below) */
    memset(&rs, 0, sizeof rs);
    bool have_rules = false;
    if (rules_path || list) { load_rules(&rs, rules_path, true); have_rules = true; }
#define NEED_RULES() do { if (!have_rules) { load_rules(&rs, NULL, false); have_rules = true; } } while (0)
    if (list) {
        check_rules_list(&rs, o.header);
        check_rules_free(&rs);
        gx_out_flush();
        return gx_error_count() ? GX_EXIT_ERROR : GX_EXIT_OK;
    }

    if (o.header && !o.summary) {
        if (o.annotate) {
            const char *cols[GX_FACT_NCOL + 1];
            for (int i = 0; i < GX_FACT_NCOL; i++) cols[i] = gx_fact_columns[i];
            cols[GX_FACT_NCOL] = "check";
            gx_out_header(cols, GX_FACT_NCOL + 1);
        } else {
            gx_out_header(gx_finding_columns, GX_FINDING_NCOL);
        }
    }

    check_tally tally;
    memset(&tally, 0, sizeof tally);
    gx_buf_init(&tally.worst);
    gx_tsv_in in;
    gx_tsv_in_init(&in, argc - optind_, argv + optind_, files0, gx_fact_columns, GX_FACT_NCOL);

    check_doc one, *cur = &one;
    check_doc_init(&one);
    check_doc **docs = NULL;
    int ndocs = 0;
    if (o.cross_year) {
        cur = gx_xmalloc(sizeof *cur);
        check_doc_init(cur);
    }
    gx_record *rec;
    while ((rec = gx_tsv_next(&in))) {
        const char *doc = rec->null[FACT_DOC] ? "" : rec->f[FACT_DOC];
        if (cur->nfacts > 0 && strcmp(check_doc_field(cur, 0, FACT_DOC) ? check_doc_field(cur, 0, FACT_DOC) : "", doc) != 0) {
            if (o.cross_year) {
                docs = gx_xrealloc(docs, (size_t)(ndocs + 1) * sizeof *docs);
                docs[ndocs++] = cur;
                cur = gx_xmalloc(sizeof *cur);
                check_doc_init(cur);
            } else {
                NEED_RULES();
                run_doc(cur, &rs, &o, &tally);
                check_doc_reset(cur);
            }
        }
        check_doc_add(cur, rec);
    }
    if (o.cross_year) {
        if (cur->nfacts > 0) {
            docs = gx_xrealloc(docs, (size_t)(ndocs + 1) * sizeof *docs);
            docs[ndocs++] = cur;
        } else {
            check_doc_free(cur);
            free(cur);
        }
        for (int i = 0; i < ndocs; i++) check_doc_index(docs[i]);
        link_years(docs, ndocs);
        if (ndocs) NEED_RULES();
        for (int i = 0; i < ndocs; i++) run_doc(docs[i], &rs, &o, &tally);
        for (int i = 0; i < ndocs; i++) {
            check_doc_free(docs[i]);
            free(docs[i]);
        }
        free(docs);
    } else {
        if (cur->nfacts) NEED_RULES();
        run_doc(cur, &rs, &o, &tally);
        check_doc_free(cur);
    }
    gx_tsv_in_free(&in);
    /* the rules are not freed: the process ends here, and freeing them one
     * allocation at a time cost 15% of a one-report run */
    gx_buf_free(&tally.worst);
    gx_out_flush();
    if (gx_error_count()) return GX_EXIT_ERROR;
    if (tally.error_fail || (o.strict && tally.warn_fail)) return GX_EXIT_FINDINGS;
    return GX_EXIT_OK;
}
