package ateval

import (
	"context"
	"strings"
)

// Role is what a user may do. See the access matrix in README.md.
type Role string

const (
	RolePractitioner Role = "practitioner"
	RoleBoroughLead  Role = "borough_lead"
	RoleCommissioner Role = "commissioner"
	RoleEvaluator    Role = "evaluator"
	RoleAdmin        Role = "admin"
)

// Roles lists every role, in the order pages show them.
func Roles() []Role {
	return []Role{RolePractitioner, RoleBoroughLead, RoleCommissioner, RoleEvaluator, RoleAdmin}
}

// NeedsBorough reports whether users of the role belong to one borough.
func (r Role) NeedsBorough() bool { return r == RolePractitioner || r == RoleBoroughLead }

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles() {
		if x == r {
			return true
		}
	}
	return false
}

// User is a person who signs in.
type User struct {
	ID        int64  `json:"id"`
	Email     string `json:"email"`
	Role      Role   `json:"role"`
	BoroughID int64  `json:"borough_id,omitempty"` // 0 unless Role.NeedsBorough
}

// SeesResidents reports whether the user may read resident-level records at
// all; which residents is a matter of borough.
func (u *User) SeesResidents() bool {
	return u != nil && (u.Role == RolePractitioner || u.Role == RoleBoroughLead)
}

// IsStaffOf reports whether u works on the borough's register, as a
// practitioner or borough lead of it: who may be recorded as having
// issued a device to one of its residents.
func (u *User) IsStaffOf(borough int64) bool {
	return u.SeesResidents() && borough != 0 && u.BoroughID == borough
}

type userKey struct{}

// NewContextWithUser returns a context carrying the acting user. Services
// read it to scope what they return; the command-line tools act as a
// system user (see SystemUser).
func NewContextWithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFromContext returns the acting user, or nil.
func UserFromContext(ctx context.Context) *User {
	u, _ := ctx.Value(userKey{}).(*User)
	return u
}

// RoleSystem stands for the operator at the command line (import, status,
// report), who holds the database file and so sees everything in it.
const RoleSystem Role = "system"

// SystemContext returns ctx acting as the command-line operator.
func SystemContext(ctx context.Context) context.Context {
	return NewContextWithUser(ctx, &User{Email: "system", Role: RoleSystem})
}

// IsSystem reports whether u is the command-line operator.
func (u *User) IsSystem() bool { return u != nil && u.Role == RoleSystem }

// RoleReportBuilder stands for the application building an evidence
// report: it may read the per-borough summaries the disclosure gate
// releases from, and nothing else (no resident, no identifier, no import).
// A report is built once for every reader of the same filters; who may
// read it is the route's guard.
const RoleReportBuilder Role = "report_builder"

// ReportContext returns ctx acting as the report builder.
func ReportContext(ctx context.Context) context.Context {
	return NewContextWithUser(ctx, &User{Email: "report builder", Role: RoleReportBuilder})
}

// ReadsSummaries reports whether u may read per-borough summaries: the
// report builder, the command-line operator, and the roles that read
// reports.
func (u *User) ReadsSummaries() bool {
	if u == nil {
		return false
	}
	switch u.Role {
	case RoleReportBuilder, RoleSystem, RoleBoroughLead, RoleCommissioner, RoleEvaluator:
		return true
	}
	return false
}

// NormalizeEmail is the form in which emails are stored and compared.
func NormalizeEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// Validate checks a user's fields: a known role, and a borough exactly
// when the role needs one.
func (u *User) Validate() error {
	var errs []FieldError
	if e := u.Email; !strings.Contains(e, "@") || strings.ContainsAny(e, " \t\r\n<>") || len(e) > 254 {
		errs = append(errs, FieldError{"email", "must be an email address, such as name@borough.gov.uk"})
	} else {
		errs = append(errs, Line(254).Check("email", e)...)
	}
	switch {
	case !u.Role.Valid():
		errs = append(errs, FieldError{"role", "must be one of practitioner, borough_lead, commissioner, evaluator, admin"})
	case u.Role.NeedsBorough() && u.BoroughID == 0:
		errs = append(errs, FieldError{"borough", "is required for a " + string(u.Role)})
	case !u.Role.NeedsBorough() && u.BoroughID != 0:
		errs = append(errs, FieldError{"borough", "must be empty for a " + string(u.Role) + ", who is not tied to one borough"})
	}
	if len(errs) > 0 {
		return Invalid("The user is not valid.", errs)
	}
	return nil
}
