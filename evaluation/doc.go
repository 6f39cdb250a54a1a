// Package evaluation is the statistics core of ateval: it turns per-borough
// summaries (counts, means, variances, sums of squares, event counts and
// person-time) into effects with sampling variances, and pools the effects
// of several boroughs by fixed-effect or random-effects meta-analysis, with
// subgroups, meta-regression, leave-one-out, influence diagnostics and
// Egger's test.
//
// Each borough is a "study" of a two-stage analysis. The conventions are
// those of R's metafor package (escalc, rma, confint, predict, leave1out,
// influence, regtest), so that every number can be checked against it; the
// tests hold reference values computed with metafor and quote the R calls.
//
// The package takes numbers, not database rows. It may import only the
// standard library, gonum and the root ateval package (for its error
// vocabulary): never database, HTTP or template code.
//
// Caller mistakes (an unknown method, a level outside (0, 100), a design
// matrix of the wrong shape) panic with the prefix "evaluation: ". Problems
// with the data (a variance that is zero or not a number, too few boroughs)
// are returned as *ateval.Error values with code EINVALID that name the
// borough concerned.
package evaluation
