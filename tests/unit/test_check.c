/* test_check.c - the rule loader, the equation parser and the §7.0 status
 * logic of gx-check. */
#include "check.h"
#include "unit.h"

#include <stdlib.h>

static bool parses(const char *s, char *err, size_t n)
{
    check_expr e;
    bool ok = check_expr_parse(s, &e, err, n);
    check_expr_free(&e);
    return ok;
}

static void test_parser(void)
{
    char err[200];
    check_expr e;
    OK(check_expr_parse("a.b = c.d + e.f - 3", &e, err, sizeof err), "a sum with a constant parses");
    EQ_INT(e.n, 1, "one relation");
    EQ_INT(e.rel[0].op, OP_EQ, "= is OP_EQ");
    EQ_INT(e.rel[0].side[0].n, 1, "left: one term");
    EQ_INT(e.rel[0].side[1].n, 3, "right: three terms");
    EQ_STR(e.rel[0].side[1].t[1].id, "e.f", "second right term");
    EQ_INT(e.rel[0].side[1].t[2].coef, -1, "minus gives coefficient -1");
    EQ_INT(e.rel[0].side[1].t[2].kind, TK_NUM, "3 is a number");
    check_expr_free(&e);

    OK(check_expr_parse("narr:x.y[total] <= prev:z || -a >= 0.25", &e, err, sizeof err),
       "prefixes, dims, alternatives, leading minus");
    EQ_INT(e.n, 2, "two alternatives");
    EQ_INT(e.rel[0].side[0].t[0].src, SRC_NARR, "narr: prefix");
    EQ_STR(e.rel[0].side[0].t[0].dim, "total", "[total] dim");
    EQ_INT(e.rel[0].side[1].t[0].src, SRC_PREV, "prev: prefix");
    EQ_INT(e.rel[1].op, OP_GE, ">=");
    EQ_INT(e.rel[1].side[0].t[0].coef, -1, "leading minus");
    EQ_INT(e.rel[1].side[1].t[0].dec, 2, "0.25 has two decimals");
    check_expr_free(&e);

    OK(check_expr_parse("decimals($) = 0", &e, err, sizeof err), "a function");
    EQ_INT(e.rel[0].side[0].t[0].kind, TK_FUNC, "decimals is a function");
    EQ_STR(e.rel[0].side[0].t[0].arg->id, "$", "its argument");
    check_expr_free(&e);
    OK(parses("has_flag($, unit_inferred) = 0", err, sizeof err), "has_flag with a name");
    OK(parses("prev_identical() = 0", err, sizeof err), "a function without arguments");
    OK(check_expr_parse("$ = year() || $ = parts($) || $ = rate($)", &e, err, sizeof err),
       "year(), parts(), rate()");
    EQ_INT(e.rel[0].side[1].t[0].fn, FN_YEAR, "year() is FN_YEAR");
    EQ_INT(e.rel[1].side[1].t[0].fn, FN_PARTS, "parts() is FN_PARTS");
    EQ_INT(e.rel[2].side[1].t[0].fn, FN_RATE, "rate() is FN_RATE");
    EQ_STR(e.rel[2].side[1].t[0].arg->id, "$", "rate's argument");
    check_expr_free(&e);
    OK(!parses("parts() = 1", err, sizeof err), "parts needs a fact");
    OK(parses("a \xe2\x89\xa4 b", err, sizeof err), "the ≤ sign");

    OK(!parses("", err, sizeof err), "empty equation is an error");
    OK(!parses("a.b", err, sizeof err), "no relation is an error");
    EQ_STR(err, "expected = <= >= < or > at the end of the equation", "message for a missing relation");
    OK(!parses("a = b +", err, sizeof err), "dangling + is an error");
    OK(!parses("a = b c", err, sizeof err), "two terms without an operator");
    EQ_STR(err, "unexpected text at column 7 (near \"c\")", "message names the column");
    OK(!parses("A.B = 1", err, sizeof err), "upper-case ids are refused");
    OK(!parses("web:a = 1", err, sizeof err), "unknown source prefix");
    OK(!parses("sqrt(a) = 1", err, sizeof err), "unknown function");
    OK(!parses("a[ = 1", err, sizeof err), "unclosed dim");
    OK(!parses("a = 1e5", err, sizeof err), "exponents are not numbers here");
    OK(!parses("a.* = 1", err, sizeof err), "a glob is not an id");
    OK(!parses("has_flag(a) = 1", err, sizeof err), "has_flag needs a name");
}

static void test_status(void)
{
    /* total = parts; diff = total - known parts; blanks in parts are "neg" */
    EQ_INT(check_status_of(OP_EQ, 0, 0, 0, false, 0, false), CHECK_PASS, "exact: pass");
    EQ_INT(check_status_of(OP_EQ, 1, 0, 0, false, 0, false), CHECK_FAIL, "off by one: fail");
    EQ_INT(check_status_of(OP_EQ, 0.004, 0, 0, false, 0.01, false), CHECK_PASS, "within tolerance");
    EQ_INT(check_status_of(OP_EQ, -4, 0, 3, false, 0, false), CHECK_FAIL,
           "known parts exceed the total: fail (blanks cannot be negative)");
    EQ_INT(check_status_of(OP_EQ, 0, 0, 1, false, 0, false), CHECK_PASS_IZ, "equal: pass with implied zeros");
    EQ_INT(check_status_of(OP_EQ, 4, 0, 5, false, 0, false), CHECK_NA, "below: not assessable");
    EQ_INT(check_status_of(OP_EQ, 4, 0, 5, false, 0, true), CHECK_FAIL, "below, lenient: fail");
    EQ_INT(check_status_of(OP_EQ, -5, 1, 0, true, 0, false), CHECK_NA, "blank total: not assessable");
    EQ_INT(check_status_of(OP_EQ, 0, 1, 0, true, 0, true), CHECK_NA, "blank total, lenient: still not assessable");
    EQ_INT(check_status_of(OP_EQ, 3, 1, 0, false, 0, false), CHECK_FAIL,
           "blank that can only raise a positive difference: fail");
    EQ_INT(check_status_of(OP_EQ, 3, 1, 1, false, 0, false), CHECK_NA, "blanks both ways: not assessable");
    EQ_INT(check_status_of(OP_LE, -1, 0, 2, false, 0, false), CHECK_PASS, "<= holds whatever the blanks on the right");
    EQ_INT(check_status_of(OP_LE, -1, 1, 0, false, 0, false), CHECK_NA, "<= with a blank on the left");
    EQ_INT(check_status_of(OP_LE, -1, 1, 0, false, 0, true), CHECK_PASS, "<= with a blank on the left, lenient");
    EQ_INT(check_status_of(OP_LE, 2, 1, 0, false, 0, false), CHECK_FAIL, "<= broken by known values alone");
    EQ_INT(check_status_of(OP_GE, 2, 0, 0, false, 0, false), CHECK_PASS, ">= holds");
    EQ_INT(check_status_of(OP_GE, -2, 0, 0, false, 0, false), CHECK_FAIL, ">= broken");
    EQ_INT(check_status_of(OP_LT, 0, 0, 0, false, 0, false), CHECK_FAIL, "< is strict");
    EQ_INT(check_status_of(OP_GT, 1, 0, 0, false, 0, false), CHECK_PASS, "> holds");
}

static const char rules_ok[] =
    "# comment\n"
    "rule\tseverity\tschemas\tdims\teach\twhen\tequation\ttolerance\tmessage\n"
    "\n"
    "R1\terror\tlegacy-table\ttotal\t-\t-\ta = b + c\t0\tm1\n"
    "R2\twarn\tmodern-2019,modern-2021\tA\tsub:x,y\t-\tp.$ >= 0\t0\tm2\n"
    "R3\tinfo\t*\ttotal\tfact:*,!z.*;unit=件|条;state=number\tk >= 1\t$ >= 0\t0.5\tm3\n"
    "D1\tderive\t*\ttotal\t-\t-\tq = r + s\t0\td\n";

static void test_rules(void)
{
    check_rules rs;
    char err[300];
    OK(check_rules_parse(&rs, rules_ok, sizeof rules_ok - 1, "t.tsv", err, sizeof err), "a good table loads");
    EQ_INT(rs.n, 5, "sub: expands into one rule per item");
    EQ_STR(rs.r[1].id, "R2", "expanded rule keeps its id");
    EQ_STR(rs.r[1].eq.rel[0].side[0].t[0].id, "p.x", "$ replaced by the first item");
    EQ_STR(rs.r[2].eq.rel[0].side[0].t[0].id, "p.y", "$ replaced by the second item");
    OK(rs.r[1].per_applicant, "dims A");
    EQ_INT(rs.r[1].schemas, SCH_M2019 | SCH_M2021, "schema list");
    EQ_INT(rs.r[3].each, EACH_FACT, "fact: each");
    EQ_INT(rs.r[3].nglob, 2, "two globs");
    EQ_STR(rs.r[3].f_unit, "|件|条|", "unit filter");
    OK(rs.r[3].has_when, "when parsed");
    OK(rs.r[3].tol == 0.5, "tolerance");
    EQ_INT(rs.r[4].sev, CHECK_DERIVE, "derive row");
    EQ_INT(rs.r[3].schemas, SCH_ALL, "* is every schema");
    check_rules_free(&rs);

    static const struct { const char *text, *want; } bad[] = {
        {"rule\tseverity\nR\terror\n", "t.tsv:1: header must name the columns rule, severity and equation"},
        {"rule\tseverity\tequation\nR\tbad\ta = 1\n", "t.tsv:2: severity \"bad\": expected error, warn, info or derive"},
        {"rule\tseverity\tequation\tschemas\nR\terror\ta = 1\tmodern-2030\n", "t.tsv:2: unknown schema \"modern-2030\""},
        {"rule\tseverity\tequation\tdims\nR\terror\ta = 1\tB\n", "t.tsv:2: dims \"B\": expected A or total"},
        {"rule\tseverity\tequation\ttolerance\nR\terror\ta = 1\t-1\n", "t.tsv:2: tolerance \"-1\": expected a number >= 0, pct or pct+NUMBER"},
        {"rule\tseverity\tequation\nR\terror\t$ = 1\n", "t.tsv:2: $ used without an each column"},
        {"rule\tseverity\tequation\nR\tderive\ta + b = 1\n", "t.tsv:2: a derive rule must read ID = SUM"},
        {"rule\tseverity\tequation\teach\nR\terror\ta = 1\tsub:\n", "t.tsv:2: each: empty sub: list"},
        {"rule\tseverity\tequation\teach\nR\terror\ta = 1\tall\n", "t.tsv:2: each: expected -, sub:LIST, ind:GLOB, fact:GLOB;FILTERS, pctrow or pctcell"},
        {"# only comments\n", "t.tsv: no header line"},
        {"rule\tseverity\tequation\n\tinfo\ta = 1\n", "t.tsv:2: empty rule id"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        OK(!check_rules_parse(&rs, bad[i].text, strlen(bad[i].text), "t.tsv", err, sizeof err),
           "bad table %zu refused", i);
        EQ_STR(err, bad[i].want, "message %zu", i);
        check_rules_free(&rs);
    }
}

static void test_builtin_rules(void)
{
    size_t len;
    const char *text = gx_share("rules.tsv", &len);
    OK(text != NULL, "the rules table is embedded");
    if (!text) return;
    check_rules rs;
    char err[300];
    OK(check_rules_parse(&rs, text, len, "rules.tsv", err, sizeof err), "the built-in rules load");
    OK(rs.n > 60, "%d rules after expansion", rs.n);
    check_rules_free(&rs);
}

/* The built-in table built lazily, schema by schema, gives the rules an
 * eager parse gives, in the same order. */
static void test_lazy_rules(void)
{
    size_t len;
    const char *text = gx_share("rules.tsv", &len);
    if (!text) return;
    check_rules all, lazy;
    char err[300];
    OK(check_rules_parse(&all, text, len, "rules.tsv", err, sizeof err), "eager parse");
    OK(check_rules_parse_lazy(&lazy, text, len, "rules.tsv", err, sizeof err), "lazy parse");
    EQ_INT(lazy.n, all.n, "as many rules");
    int pending = 0;
    for (int i = 0; i < lazy.n; i++) pending += lazy.r[i].pending;
    EQ_INT(pending, lazy.n, "nothing built before a schema asks");
    OK(check_rules_build(&lazy, SCH_LEGACY_TABLE, err, sizeof err), "legacy-table rules built");
    int wrong = 0;
    for (int i = 0; i < lazy.n; i++)
        wrong += lazy.r[i].pending != !(lazy.r[i].schemas & SCH_LEGACY_TABLE);
    EQ_INT(wrong, 0, "exactly the rules of legacy-table built");
    OK(check_rules_build(&lazy, SCH_ALL, err, sizeof err), "every rule built");
    int same = 0;
    for (int i = 0; i < lazy.n && i < all.n; i++) {
        const check_rule *a = &all.r[i], *b = &lazy.r[i];
        same += !b->pending && strcmp(a->id, b->id) == 0 && strcmp(a->t_eq, b->t_eq) == 0 &&
                strcmp(a->t_when, b->t_when) == 0 && a->sev == b->sev && a->schemas == b->schemas &&
                a->each == b->each && a->nglob == b->nglob && a->eq.n == b->eq.n &&
                a->eq.rel[0].side[0].n == b->eq.rel[0].side[0].n && a->tol == b->tol &&
                a->unit_in == b->unit_in && (a->narr != NULL) == (b->narr != NULL);
    }
    EQ_INT(same, all.n, "the same rules");
    EQ_INT(lazy.nderive, all.nderive, "the same derive rules");
    check_rules_free(&all);
    check_rules_free(&lazy);
}

int main(void)
{
    test_parser();
    test_status();
    test_rules();
    test_builtin_rules();
    test_lazy_rules();
    return UNIT_DONE();
}
