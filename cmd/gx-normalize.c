/* gx-normalize - map the tables and the narrative of each report to the
 * canonical indicators: the fact stream. */
#include "normalize.h"

static const gx_opt opts[] = {
    {"map", 'm', "FILE", "read the label map from FILE instead of the built-in labels.tsv", "FILE"},
    {"cues", 'c', "FILE", "read the narrative cue patterns from FILE instead of narrative.tsv", "FILE"},
    {"no-narrative", 0, NULL, "do not extract figures or document facts from the running text", NULL},
    {"no-derived", 0, NULL, "do not write derived facts (subtotals, legacy-comparable sums)", NULL},
    GX_COMMON_OPTS,
    {0},
};

static const gx_cmd cmd = {
    "gx-normalize",
    "[OPTION]... [FILE]...",
    "Read the document stream with cells (gx-segment | gx-tables) and write the fact stream:\n"
    "one row per report, indicator, dimension and source, in the ids of spec/indicators.tsv.",
    opts,
    "Output columns: doc year org schema indicator dim value unit state source line ref\n"
    "flags raw. schema is legacy-narrative, legacy-table, modern-2019 or modern-2021,\n"
    "decided from the tables (per-table layouts in flags, e.g. layout=t3-2021).\n"
    "state: number, empty (a blank cell: value \\N, never 0), na (a placeholder such as\n"
    "/ - 无 不适用), text. source: table (a template table cell), narrative (a figure\n"
    "stated in the text; bounds such as 余 近 约 以上 in flags), derived (a sum the\n"
    "template does not print). Cells that match no known label are kept as indicator\n"
    "unmapped with their labels in raw. A T4 value row printed five cells to the right\n"
    "is read shifted when the identities and the narrative support it (flags shifted).\n"
    "Document facts (source narrative, ids doc.*, gx's own, not indicators):\n"
    "doc.period_year (统计期限), doc.stale_year (a year in a 继续/暂不 statement of the\n"
    "fee/request text), doc.narrative_sum (a figure and its 其中 list: flags parts=a+b),\n"
    "doc.narrative_rate (解读率: flags num=,den=); see normalize_docfacts.tsv.\n"
    "Knowledge: share/gx/labels.tsv, narrative.tsv, normalize_*.tsv (GX_SHARE=DIR to\n"
    "try edited copies).",
    "  gx-segment report.txt | gx-tables | gx-normalize\n"
    "  gx-normalize doc.tsv | awk -F'\\t' '$10 == \"table\" && $5 == \"unmapped\"'\n"
    "  gx-normalize --no-derived doc.tsv > facts.tsv\n"
    "  gx-normalize doc.tsv | mlr --tsv filter '$source == \"table\" && $indicator != \"unmapped\"' \\\n"
    "      then put '$key = $indicator . \".\" . $dim; if ($state != \"number\") { $value = \"\" }' \\\n"
    "      then cut -o -f doc,year,org,schema,key,value then reshape -s key,value then unsparsify",
};

int main(int argc, char **argv)
{
    gx_prog_init(argv[0]);
    nz_opts o = {0};
    const char *files0 = NULL, *arg;
    gx_getopt_state st = {0};
    int c;
    while ((c = gx_getopt(&cmd, &st, argc, argv, &arg)) != -1) {
        if (c == 'm') o.map_file = arg;
        else if (c == 'c') o.cues_file = arg;
        else if (c == gx_opt_id(&cmd, "no-narrative")) o.no_narrative = true;
        else if (c == gx_opt_id(&cmd, "no-derived")) o.no_derived = true;
        else if (c == gx_opt_id(&cmd, "files0-from")) files0 = arg;
        else if (c == gx_opt_id(&cmd, "no-header")) o.no_header = true;
    }
    int first = st.optind;
    gx_getopt_free(&st);
    return nz_run(&o, argc - first, argv + first, files0);
}
