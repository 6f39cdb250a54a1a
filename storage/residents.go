package storage

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode"

	"gorm.io/gorm"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
)

// residentScope says which residents the acting user may see: all (the
// command-line operator), or those of one borough (practitioners and
// borough leads). Every other role is refused resident-level data
// outright, and no user at all is asked to sign in. Every method that
// reads or writes a resident goes through it, so no route can forget.
func residentScope(ctx context.Context) (boroughID int64, all bool, err error) {
	u := ateval.UserFromContext(ctx)
	switch {
	case u == nil:
		return 0, false, errSignIn
	case u.IsSystem():
		return 0, true, nil
	case u.SeesResidents() && u.BoroughID != 0:
		return u.BoroughID, false, nil
	}
	return 0, false, ateval.Errorf(ateval.EFORBIDDEN, "Your role does not give access to residents' records.")
}

// errResidentNotFound is the answer for a resident who does not exist and
// for one of another borough alike, so that existence does not leak.
var errResidentNotFound = ateval.Errorf(ateval.ENOTFOUND, "There is no resident with this id in your borough.")

// ResidentQuery selects residents for a list.
type ResidentQuery struct {
	// Reference, if set, keeps residents whose borough reference holds
	// it anywhere, ignoring case: "000012" finds CAM-000012.
	Reference string
	// Name, if set, keeps residents whose given or family name, or both
	// together, start with it, ignoring case.
	Name   string
	Limit  int // default 50, at most 500: see Paged
	Offset int
}

// Paged returns the query with its page as Residents reads it: a limit of
// 50 when none (or a negative one) is asked for, 500 at the most, and no
// negative offset. The one rule for the listing's page, which the API
// reports back.
func (q ResidentQuery) Paged() ResidentQuery {
	q.Limit = clampLimit(q.Limit, 50, 500)
	q.Offset = max(q.Offset, 0)
	return q
}

// Residents lists the residents the acting user may see, by reference,
// and how many match in all. It reads no identifiers (names, NHS numbers):
// the API's listing holds none. The listing is audited by count, not by
// the residents it returned or the search typed.
func (db *DB) Residents(ctx context.Context, q ResidentQuery) (_ []devices.Resident, total int64, err error) {
	defer ateval.Wrap(&err, "Residents")
	listed, total, err := db.listResidents(ctx, q, false)
	out := make([]devices.Resident, len(listed))
	for i := range listed {
		out[i] = listed[i].Resident
	}
	return out, total, err
}

// ListedResident is a resident as the register's page lists them: the
// fields analysis uses, and their name, so that a practitioner finds the
// person they are looking for.
type ListedResident struct {
	devices.Resident
	GivenName  string `json:"given_name,omitempty"`
	FamilyName string `json:"family_name,omitempty"`
}

// ResidentsNamed is Residents with each resident's name: for the
// register's page, whose users (practitioners and borough leads of the
// resident's borough) may read their own borough's identifiers. The
// listing is audited by count, saying names were shown.
func (db *DB) ResidentsNamed(ctx context.Context, q ResidentQuery) (_ []ListedResident, total int64, err error) {
	defer ateval.Wrap(&err, "ResidentsNamed")
	return db.listResidents(ctx, q, true)
}

func (db *DB) listResidents(ctx context.Context, q ResidentQuery, named bool) (_ []ListedResident, total int64, err error) {
	defer db.denied(ctx, &err, ateval.ActionListResidents, ateval.AuditEntry{})
	borough, all, err := residentScope(ctx)
	if err != nil {
		return nil, 0, err
	}
	q = q.Paged()
	var out []ListedResident
	err = db.InTx(ctx, func(tx *Tx) error {
		g := tx.g.Model(&residentRow{})
		if !all {
			g = g.Where("borough_id = ?", borough)
		}
		ref, name := strings.TrimSpace(q.Reference), strings.ToLower(strings.Join(strings.Fields(q.Name), " "))
		if strings.IndexFunc(ref+name, unicode.IsControl) >= 0 {
			// No reference or name holds one (ateval.Text); SQLite would
			// read a NUL in a pattern as its end ("%\x00%" as "%"), and
			// PostgreSQL refuses it. Nothing matches, and it is not sent.
			g, ref, name = g.Where("1 = 0"), "", ""
		}
		if ref != "" {
			g = g.Where(`LOWER(reference) LIKE ? ESCAPE '\'`, "%"+likePrefix(strings.ToLower(ref)))
		}
		if name != "" {
			p := likePrefix(name)
			g = g.Where(`id IN (SELECT resident_id FROM resident_identities WHERE LOWER(given_name) LIKE ? ESCAPE '\'
				OR LOWER(family_name) LIKE ? ESCAPE '\' OR LOWER(given_name || ' ' || family_name) LIKE ? ESCAPE '\')`, p, p, p)
		}
		if err := g.Count(&total).Error; err != nil {
			return err
		}
		var rows []residentRow
		if err := g.Order("reference, id").Limit(q.Limit).Offset(max(q.Offset, 0)).Find(&rows).Error; err != nil {
			return err
		}
		ids := make([]int64, len(rows))
		for i := range rows {
			r, err := rows[i].domain()
			if err != nil {
				return err
			}
			out = append(out, ListedResident{Resident: r})
			ids[i] = r.ID
		}
		detail := strconv.Itoa(len(rows)) + " residents"
		if named && len(ids) > 0 {
			var names []identityRow
			if err := tx.g.Select("resident_id, given_name, family_name").Where("resident_id IN ?", ids).Find(&names).Error; err != nil {
				return err
			}
			byID := make(map[int64]identityRow, len(names))
			for _, n := range names {
				byID[n.ResidentID] = n
			}
			for i := range out {
				n := byID[out[i].ID]
				out[i].GivenName, out[i].FamilyName = n.GivenName, n.FamilyName
			}
			detail += ", with names"
		}
		return db.audit(ctx, tx.g, ateval.AuditEntry{Action: ateval.ActionListResidents, BoroughID: borough, Detail: detail})
	})
	return out, total, err
}

// likePrefix escapes LIKE's wildcards in s and appends %, so that typed
// input is matched literally as a prefix.
func likePrefix(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s) + "%"
}

// ResidentRecord is everything held about one resident: the one place
// identifiers are read.
type ResidentRecord struct {
	Resident     devices.Resident      `json:"resident"`
	Identity     *devices.Identity     `json:"identity"`
	DeviceIssues []devices.DeviceIssue `json:"device_issues"`
}

// ResidentRecord returns one resident's record, if the acting user may see
// it, and records the reading in the audit log in the same transaction. A
// resident of another borough is ENOTFOUND, like one that does not exist;
// the attempt is audited too, by the id asked for, and so is a role's
// that may not read residents' records at all.
func (db *DB) ResidentRecord(ctx context.Context, id int64) (_ ResidentRecord, err error) {
	defer ateval.Wrap(&err, "ResidentRecord(%d)", id)
	defer db.denied(ctx, &err, ateval.ActionReadResident, residentObject(id))
	borough, all, err := residentScope(ctx)
	if err != nil {
		return ResidentRecord{}, err
	}
	var rec ResidentRecord
	err = db.InTx(ctx, func(tx *Tx) error {
		g := tx.g.Where("id = ?", id)
		if !all {
			g = g.Where("borough_id = ?", borough)
		}
		var row residentRow
		if err := g.Take(&row).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return errResidentNotFound
		} else if err != nil {
			return err
		}
		var err error
		if rec.Resident, err = row.domain(); err != nil {
			return err
		}
		var idRow identityRow
		if err := tx.g.Where("resident_id = ?", id).Take(&idRow).Error; err == nil {
			ident := idRow.domain()
			rec.Identity = &ident
		} else if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		var issues []deviceIssueRow
		if err := tx.g.Where("resident_id = ?", id).Order("issued_on, id").Find(&issues).Error; err != nil {
			return err
		}
		if rec.DeviceIssues, err = tx.issues(issues); err != nil {
			return err
		}
		return db.audit(ctx, tx.g, ateval.AuditEntry{Action: ateval.ActionReadResident, ObjectType: "resident", ObjectID: id, ResidentID: id, BoroughID: row.BoroughID})
	})
	return rec, err
}
