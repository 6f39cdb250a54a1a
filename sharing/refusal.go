package sharing

import (
	"errors"

	"github.com/ateval/ateval"
)

// The reasons an export is refused, as the audit log records them: a
// fixed vocabulary, naming no resident and quoting nothing a user typed.
const (
	RefusedNoAgreement     = "no_agreement"
	RefusedExpired         = "agreement_expired"
	RefusedBoroughOutside  = "borough_outside_agreement"
	RefusedKBelowMinimum   = "k_below_agreement_minimum"
	RefusedTooFewResidents = "too_few_residents"
	RefusedInvalidRequest  = "invalid_request"
)

// refusal is an export refused for a reason of the vocabulary above.
type refusal struct {
	reason string
	err    *ateval.Error
}

func (r *refusal) Error() string { return r.err.Error() }
func (r *refusal) Unwrap() error { return r.err }

// Refuse is err, refused for reason (one of the Refused constants), as
// RefusalEntry records it.
func Refuse(reason string, err *ateval.Error) error { return &refusal{reason: reason, err: err} }

// RefusalEntry is the audit log's record of an export under the agreement
// refused with err: action ateval.ActionExportRefused, the agreement, and
// in Detail the error code and, where the export was refused with Refuse, the reason
// ("refused: invalid, k_below_agreement_minimum"). ok is false for an
// error that refuses nothing: none, an internal fault, or no one signed
// in.
func RefusalEntry(agreementID int64, err error) (_ ateval.AuditEntry, ok bool) {
	code := ateval.ErrorCode(err)
	switch code {
	case ateval.EINVALID, ateval.EFORBIDDEN, ateval.ENOTFOUND, ateval.ECONFLICT:
	default:
		return ateval.AuditEntry{}, false
	}
	detail := "refused: " + code
	var r *refusal
	if errors.As(err, &r) {
		detail += ", " + r.reason
	}
	return ateval.AuditEntry{Action: ateval.ActionExportRefused, ObjectType: "agreement", ObjectID: agreementID, Detail: detail}, true
}
