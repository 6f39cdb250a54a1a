package storage

import (
	"context"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
)

// ResidentName is a resident's name as a list shows it beside their
// reference.
type ResidentName struct {
	GivenName  string `json:"given_name"`
	FamilyName string `json:"family_name"`
}

// DueListNamed is DueList with the name of each resident listed, by
// resident id: for the due list's page, whose users (practitioners and
// borough leads of the borough, as for the register's list) may read
// their own borough's identifiers. Only the borough's residents are
// named; the reading is audited as DueList's, saying names were shown.
func (db *DB) DueListNamed(ctx context.Context, fw *forms.Framework) (_ []DueItem, _ map[int64]ResidentName, err error) {
	defer ateval.Wrap(&err, "DueListNamed")
	return db.dueList(ctx, fw, true)
}

// dueNamesBatch bounds the ids one query asks for, well under SQLite's
// and PostgreSQL's limits on parameters.
const dueNamesBatch = 500

// dueNames reads the names of the residents of items, in batches; the
// borough is checked again, so that a name never comes from outside it.
func (tx *Tx) dueNames(items []DueItem, borough int64) (map[int64]ResidentName, error) {
	out := map[int64]ResidentName{}
	var ids []int64
	for _, it := range items {
		if _, ok := out[it.ResidentID]; !ok {
			out[it.ResidentID] = ResidentName{}
			ids = append(ids, it.ResidentID)
		}
	}
	for len(ids) > 0 {
		n := min(len(ids), dueNamesBatch)
		var rows []identityRow
		err := tx.g.Select("resident_id, given_name, family_name").
			Where("resident_id IN ? AND resident_id IN (SELECT id FROM residents WHERE borough_id = ?)", ids[:n], borough).
			Find(&rows).Error
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			out[r.ResidentID] = ResidentName{GivenName: r.GivenName, FamilyName: r.FamilyName}
		}
		ids = ids[n:]
	}
	return out, nil
}
