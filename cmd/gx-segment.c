/* gx-segment - report files to the document stream: one row per line, with
 * its page, paragraph, section path, level, kind and role. */
#include "gx.h"
#include "segment.h"

#include <string.h>

static const gx_opt opts[] = {
    {"from", 'f', "FORM", "input form: auto (default), text, html, markdown", "auto text html markdown"},
    {"doc", 'd', "NAME", "document id for the doc column (default: the file name as given)", NULL},
    GX_COMMON_OPTS,
    {0}
};

static const gx_cmd cmd = {
    "gx-segment",
    "[OPTION]... [FILE]...",
    "split government information-disclosure annual reports into the gx document stream",
    opts,
    "Reads each report FILE (text, HTML or markdown; UTF-8, UTF-16 with a byte-order\n"
    "mark, or GB18030), or standard input when there is none or FILE is -, and writes\n"
    "one row per physical line:\n"
    "  doc line page para sec level kind role table row col rowhead colhead text\n"
    "role is title, heading, text, blank, table (a line of table block number `table`)\n"
    "or noise (pasted bulletins, attachment lists, chart residue, page footers).\n"
    "Heading styles and section keywords are in share/gx/headings.tsv and sections.tsv\n"
    "(GX_SHARE=DIR reads edited copies from DIR).\n"
    "\n"
    "Exit status: 0 if every file was read, 2 if a file could not be read or decoded\n"
    "(the other files are still processed), or on a usage or output error.",
    "gx-segment report.txt\n"
    "gx-segment --from html page.html | awk -F'\\t' '$8==\"heading\"{print $6, $7, $14}'\n"
    "find reports -name '*.txt' -print0 | gx-segment --files0-from=- | gx-tables\n"
    "pdftotext -layout report.pdf - | gx-segment --doc report.pdf"
};

int main(int argc, char **argv)
{
    gx_prog_init(cmd.name);
    gx_getopt_state st = {0};
    const char *arg, *files0 = NULL, *docname = NULL;
    bool header = true;
    int from = GX_FROM_AUTO;
    int c;
    while ((c = gx_getopt(&cmd, &st, argc, argv, &arg)) != -1) {
        if (c == 'f') {
            if (strcmp(arg, "auto") == 0) from = GX_FROM_AUTO;
            else if (strcmp(arg, "text") == 0) from = GX_FROM_TEXT;
            else if (strcmp(arg, "html") == 0) from = GX_FROM_HTML;
            else if (strcmp(arg, "markdown") == 0 || strcmp(arg, "md") == 0) from = GX_FROM_MARKDOWN;
            else gx_die(GX_EXIT_ERROR, "--from: unknown form '%s' (auto, text, html, markdown)", arg);
        } else if (c == 'd') {
            docname = arg;
        } else if (c == gx_opt_id(&cmd, "files0-from")) {
            files0 = arg;
        } else if (c == gx_opt_id(&cmd, "no-header")) {
            header = false;
        }
    }
    int optind_ = st.optind;
    gx_getopt_free(&st);
    if (header) gx_out_header(gx_doc_columns, GX_DOC_NCOL);
    gx_inputs in;
    gx_inputs_init(&in, argc - optind_, argv + optind_, files0);
    gx_buf bytes;
    gx_buf_init(&bytes);
    /* Room for a report and gx_slurp's read block from the start: a block
       this size is mapped, not copied, when it grows, so reading a file
       never copies what was read (a copy costs a store per byte). */
    gx_buf_reserve(&bytes, (size_t)1 << 20);
    const char *path;
    while ((path = gx_inputs_next(&in)) != NULL) {
        if (!gx_slurp(path, &bytes)) continue;
        gx_seg_doc d;
        gx_seg_doc_init(&d);
        if (gx_seg_load(&d, bytes.data ? bytes.data : "", bytes.len, path, from))
            gx_seg_write(&d, docname ? docname : path);
        gx_seg_doc_free(&d);
    }
    gx_buf_free(&bytes);
    gx_inputs_free(&in);
    gx_out_flush();
    return gx_error_count() ? GX_EXIT_ERROR : GX_EXIT_OK;
}
