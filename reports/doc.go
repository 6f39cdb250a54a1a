// Package reports builds the comparative evidence report a commissioner
// reads: for each outcome, device category and follow-up with enough data,
// the per-borough effects and their pooled estimate, with heterogeneity,
// prediction interval, a certainty statement and a plain-English sentence;
// follow-up completeness and data quality; costs against consequences;
// charts; and the report itself as results.json, self-contained HTML and
// PDF. Everything published passes disclosure control first.
//
// The report is built from per-borough summaries (reports/summary), which
// the database computes as grouped aggregates: this package never sees a
// resident. A Source supplies them; storage.DB is one, and a handler of the
// web page can pass it with the user's filters.
//
// reports may import the standard library, the domain packages (ateval,
// devices, forms), evaluation, reports/summary, go-chart and fpdf. It must
// not import gorm, gin, storage or server.
package reports
