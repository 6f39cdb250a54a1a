package storage

import (
	"context"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
)

// staffOf lists the active accounts of a borough's staff
// (ateval.User.IsStaffOf), by email.
func (tx *Tx) staffOf(borough int64) ([]ateval.User, error) {
	var rows []userRow
	if err := tx.g.Where("borough_id = ? AND NOT disabled", borough).Order("email").Find(&rows).Error; err != nil {
		return nil, err
	}
	var out []ateval.User
	for i := range rows {
		if u := rows[i].domain(); u.IsStaffOf(borough) {
			out = append(out, *u)
		}
	}
	return out, nil
}

// BoroughStaff lists the active staff of the acting user's borough, by
// email: whom a device issue may name as having issued it.
func (db *DB) BoroughStaff(ctx context.Context) (_ []ateval.User, err error) {
	defer ateval.Wrap(&err, "BoroughStaff")
	defer db.denied(ctx, &err, "list_staff", ateval.AuditEntry{})
	borough, all, err := residentScope(ctx)
	if err != nil {
		return nil, err
	}
	if all {
		return nil, ateval.Errorf(ateval.EINVALID, "the staff list is of one borough; act as a user of it")
	}
	return db.View(ctx).staffOf(borough)
}

// errNotStaff refuses an issuer who is not an active member of the
// resident's borough's staff, whatever else they are, so that the answer
// says nothing of accounts elsewhere.
var errNotStaff = ateval.FieldError{Field: "issued_by",
	Message: "must be a member of staff of the resident's borough (a practitioner or borough lead with an account), named by email"}

// issuer settles who di says issued the device to a resident of the
// borough, and returns the problem if that cannot be: the acting user by
// default; otherwise the account named by di.IssuedByID or di.IssuedBy
// (an email, or both, which must then agree), which must be an active
// practitioner or borough lead of the borough. di.IssuedByID and
// di.IssuedBy are set to the account. Only the command-line operator,
// who acts for no account, may give who issued it as free text
// (di.IssuedByText); a request from the web may not, so that no one can
// put a name to an issue that no account vouches for.
func (tx *Tx) issuer(ctx context.Context, borough int64, di *devices.DeviceIssue) ([]ateval.FieldError, error) {
	u := ateval.UserFromContext(ctx)
	if di.IssuedByText != "" && !u.IsSystem() {
		return []ateval.FieldError{{Field: "issued_by_text", Message: "is for an import at the command line; name a member of staff in issued_by"}}, nil
	}
	email := ateval.NormalizeEmail(di.IssuedBy)
	if di.IssuedByID == 0 && email == "" {
		if u == nil || u.IsSystem() {
			return nil, nil // the operator names no account
		}
		di.IssuedByID = u.ID
	}
	staff, err := tx.staffOf(borough)
	if err != nil {
		return nil, err
	}
	for _, s := range staff {
		if (di.IssuedByID == 0 || s.ID == di.IssuedByID) && (email == "" || s.Email == email) {
			di.IssuedByID, di.IssuedBy = s.ID, s.Email
			return nil, nil
		}
	}
	return []ateval.FieldError{errNotStaff}, nil
}

// issues converts rows to device issues with their issuers' emails, read
// from the accounts (as they are now).
func (tx *Tx) issues(rows []deviceIssueRow) ([]devices.DeviceIssue, error) {
	out := make([]devices.DeviceIssue, len(rows))
	var ids []int64
	for i := range rows {
		out[i] = rows[i].domain()
		if id := out[i].IssuedByID; id != 0 {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	var users []userRow
	if err := tx.g.Select("id, email").Where("id IN ?", ids).Find(&users).Error; err != nil {
		return nil, err
	}
	email := map[int64]string{}
	for _, u := range users {
		email[u.ID] = u.Email
	}
	for i := range out {
		out[i].IssuedBy = email[out[i].IssuedByID]
	}
	return out, nil
}

// issuerEmail returns the email of the account with the id, "" for none.
func (tx *Tx) issuerEmail(id int64) (string, error) {
	if id == 0 {
		return "", nil
	}
	var u userRow
	if err := tx.g.Select("id, email").Where("id = ?", id).Take(&u).Error; err != nil {
		return "", err
	}
	return u.Email, nil
}
