// Package forms holds the common evaluation framework: the instruments
// residents and carers answer (ONS4, SWEMWBS, EQ-5D-5L, ASCOT SCT4, UCLA-3,
// Short FES-I, ZBI-12, CES, goal attainment, service use and events, device
// use), how answers are checked, how scores are derived from them, when each
// assessment is due, and how instruments travel to and from REDCap data
// dictionaries and FHIR R4 Questionnaires.
//
// The framework is versioned data, not code: each version lives under
// framework/VERSION as JSON (one file per instrument, one per value set,
// each citing its source) and is embedded in the binary. Default returns the
// embedded current version; Load reads any other version from a directory,
// so a borough can move to a newer framework without a rebuild. Every
// assessment records the framework version it was taken under, and scores
// are always recomputed from the raw answers (Recompute), so a change of
// scoring rule never loses information.
//
// Where an instrument's wording or weights are licensed (EQ-5D-5L, ASCOT,
// ZBI-12, CES), the framework ships structure, levels and scoring with
// placeholder labels; a borough holding the licence loads the wording with
// LoadWording and the weights with LoadValueSet.
//
// forms may import the standard library and the root ateval package only:
// no database, no HTTP, no third-party code.
package forms
