// Package sharing holds what a data sharing agreement is and what is
// released under it: the Agreement and its rules, the pseudonym an
// agreement's key makes, the Subject and Assessments an export reads of
// each resident, the ledger of releases and the rule by which records are
// joined across exports, and the vocabulary of refusals the audit log
// records.
//
// It is the plain vocabulary that storage, which keeps agreements, makes
// pseudonyms and records releases, and exports, which anonymises, share:
// so storage need not import exports. It imports the domain packages only.
package sharing
