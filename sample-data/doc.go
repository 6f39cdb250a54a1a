// Package sampledata generates the synthetic multi-borough dataset that
// ateval ships with: boroughs, a device catalogue, residents with
// synthetic identifiers, device issues and assessments at every timepoint,
// written as the CSV files the importer reads.
//
// The data follow a stated generating model (see README.md and
// TrueEffects), so that the statistics of the platform can be checked
// against effects that are known to be true. Everything is deterministic
// for a seed: each resident draws from a PCG stream keyed by the seed, the
// borough and the resident's position, so generation streams to disk one
// borough at a time.
//
// The generator imports the standard library and the root ateval and
// devices packages only: no database and no HTTP code; Committed serves
// the committed files (to `ateval demo`, through importer.FromFS). It
// writes answers in the
// compact form of forms.FormatAnswers itself, so that the sample does not
// depend on the instrument definitions it is meant to test.
package sampledata
