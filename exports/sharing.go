package exports

import "github.com/ateval/ateval/sharing"

// The agreement, the subjects an export reads and the ledger it is checked
// against are package sharing's, which storage imports without importing
// this package; these names keep exports' own code and its callers as they
// were.
type (
	Agreement   = sharing.Agreement
	Subject     = sharing.Subject
	Assessments = sharing.Assessments
	Released    = sharing.Released
	Entry       = sharing.Entry
	Release     = sharing.Release
)

const (
	DefaultK    = sharing.DefaultK
	MaxK        = sharing.MaxK
	KeySize     = sharing.KeySize
	FieldItems  = sharing.FieldItems
	FieldScores = sharing.FieldScores

	QIAgeBand        = sharing.QIAgeBand
	QISex            = sharing.QISex
	QIEthnicGroup    = sharing.QIEthnicGroup
	QIBorough        = sharing.QIBorough
	QIDeviceCategory = sharing.QIDeviceCategory
	QILivingAlone    = sharing.QILivingAlone
	QIGroup          = sharing.QIGroup
	Suppressed       = sharing.Suppressed

	RefusedNoAgreement     = sharing.RefusedNoAgreement
	RefusedExpired         = sharing.RefusedExpired
	RefusedBoroughOutside  = sharing.RefusedBoroughOutside
	RefusedKBelowMinimum   = sharing.RefusedKBelowMinimum
	RefusedTooFewResidents = sharing.RefusedTooFewResidents
	RefusedInvalidRequest  = sharing.RefusedInvalidRequest
)
