package storage

import (
	"context"

	"github.com/ateval/ateval"
)

// AccessDenied records, in the audit log, that the acting user's role was
// refused what they attempted: a route, by its method and pattern ("GET
// /residents/:id", never its query or the values in its path), or an
// operation of storage, by the action it would have recorded
// ("read_resident"). obj names the object asked for, if any, by id. The
// role goes in the detail, since a user's role may change later.
//
// A signed-out caller is not recorded: nothing says who they are, and a
// row for every anonymous request would grow without bound. Nor is the
// command-line operator, who is refused nothing by role.
func (db *DB) AccessDenied(ctx context.Context, attempt string, obj ateval.AuditEntry) error {
	u := ateval.UserFromContext(ctx)
	if u == nil || u.IsSystem() {
		return nil
	}
	obj.Action, obj.Detail = ateval.ActionAccessDenied, attempt+" as "+string(u.Role)
	return db.Audit(ctx, obj)
}

// denied records, on its own, an attempt the acting user was refused,
// when *errp says they were, for a storage method to defer:
//
//	defer db.denied(ctx, &err, ateval.ActionReadResident, residentObject(id))
//
// EFORBIDDEN (a role that may not do this at all, such as a commissioner
// opening a resident's record) is recorded as access_denied, with the
// attempted action; ENOTFOUND of an object asked for by id (another
// borough's resident or device issue, or a missing one) as
// read_resident_denied or device_issue_denied, by that id. The refused
// work's transaction has rolled back by then, which is why the record is
// written apart from it. If the record cannot be written, that error
// replaces the refusal: an attempt that cannot be audited is not quietly
// let go.
func (db *DB) denied(ctx context.Context, errp *error, attempt string, obj ateval.AuditEntry) {
	var aerr error
	switch ateval.ErrorCode(*errp) {
	case ateval.EFORBIDDEN:
		aerr = db.AccessDenied(ctx, attempt, obj)
	case ateval.ENOTFOUND:
		if obj.ObjectID == 0 {
			return
		}
		obj.Action = ateval.ActionDeniedResident
		if obj.ObjectType == "device_issue" {
			obj.Action = ateval.ActionDeniedDeviceIssue
		}
		obj.BoroughID, _, _ = residentScope(ctx)
		aerr = db.Audit(ctx, obj)
	}
	if aerr != nil {
		*errp = aerr
	}
}

// residentObject and issueObject name the object of an attempt, for the
// audit log.
func residentObject(id int64) ateval.AuditEntry {
	return ateval.AuditEntry{ObjectType: "resident", ObjectID: id}
}

func issueObject(id int64) ateval.AuditEntry {
	return ateval.AuditEntry{ObjectType: "device_issue", ObjectID: id}
}
