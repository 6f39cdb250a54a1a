package storage

import (
	"context"
	"errors"
	"sort"

	"gorm.io/gorm"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/sharing"
)

// The methods here implement exports.Source. Each takes the agreement the
// export is made under and checks it itself (exportGrant): the caller
// decides nothing about who sees which residents. They hand over no
// identifier: no borough reference, no internal id; each resident is
// named by their pseudonym under the agreement, made here with the
// agreement's key, which never leaves this package, and by their key in
// the ledger of releases (see ledger.go), which is never published.

// exportGrant checks that the acting user may export under the agreement
// now, and that it covers every borough asked for, and returns its
// pseudonym key. The command-line operator may export under any
// agreement; an evaluator only under one naming them; no one else, not
// even an administrator, who keeps the register but sees no
// resident-level data. The agreement must be in force by the database's
// clock: today before its expiry.
func (db *DB) exportGrant(ctx context.Context, g *gorm.DB, agreementID int64, boroughs []string) ([]byte, error) {
	u := ateval.UserFromContext(ctx)
	switch {
	case u == nil:
		return nil, errSignIn
	case u.IsSystem():
	case u.Role == ateval.RoleEvaluator:
		if err := memberScope(ctx, g, agreementID); err != nil {
			return nil, err
		}
	default:
		return nil, ateval.Errorf(ateval.EFORBIDDEN, "Your role does not give access to anonymised exports: only the evaluators named on a data sharing agreement export under it.")
	}
	var row agreementRow
	if err := g.Where("id = ?", agreementID).Take(&row).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ateval.Errorf(ateval.ENOTFOUND, "There is no data sharing agreement %d.", agreementID)
	} else if err != nil {
		return nil, err
	}
	today := db.today()
	expires, err := ateval.ParseDate(row.ExpiresOn)
	switch {
	case err != nil || expires.IsZero() || today.IsZero():
		return nil, ateval.Errorf(ateval.EINTERNAL, "data sharing agreement %d: no expiry or no date to check it against", agreementID)
	case !today.Before(expires):
		return nil, ateval.Errorf(ateval.EFORBIDDEN, "Data sharing agreement %d expired on %s: no export.", agreementID, expires)
	}
	var covered []string
	if err := g.Table("agreement_boroughs ab").Joins("JOIN boroughs b ON b.id = ab.borough_id").
		Where("ab.agreement_id = ?", agreementID).Pluck("b.slug", &covered).Error; err != nil {
		return nil, err
	}
	for _, b := range boroughs {
		found := false
		for _, c := range covered {
			found = found || c == b
		}
		if !found {
			return nil, ateval.Errorf(ateval.EFORBIDDEN, "Borough %s is outside data sharing agreement %d: no export.", b, agreementID)
		}
	}
	return row.key()
}

// eligible is the condition on residents r that an export may include:
// enrolled, and no objection recorded.
const eligible = "r.enrolled_on IS NOT NULL AND r.objected_on IS NULL"

func noBoroughs() error {
	return ateval.Errorf(ateval.EINVALID, "Name at least one borough to export.")
}

// ExportSubjects calls fn for every resident of the boroughs (slugs) who is
// enrolled and has not objected, with their pseudonym under the agreement
// and the category and date of their first device issue: the first pass
// of an export, one small struct per resident.
func (db *DB) ExportSubjects(ctx context.Context, agreementID int64, boroughs []string, fn func(sharing.Subject) error) (err error) {
	defer ateval.Wrap(&err, "ExportSubjects(%d)", agreementID)
	if len(boroughs) == 0 {
		return noBoroughs()
	}
	g := db.gorm.WithContext(ctx)
	key, err := db.exportGrant(ctx, g, agreementID, boroughs)
	if err != nil {
		return err
	}
	secret, err := ledgerSecret(g)
	if err != nil {
		return err
	}
	type firstIssue struct {
		on       ateval.Date
		category string
	}
	first := map[int64]firstIssue{}
	rows, err := g.Raw(`SELECT di.resident_id, di.issued_on, d.category
		FROM device_issues di
		JOIN devices d ON d.id = di.device_id
		JOIN residents r ON r.id = di.resident_id
		JOIN boroughs b ON b.id = r.borough_id
		WHERE b.slug IN ? AND `+eligible+`
		ORDER BY di.resident_id, di.issued_on, di.id`, boroughs).Rows()
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var on, cat string
		if err := rows.Scan(&id, &on, &cat); err != nil {
			rows.Close()
			return err
		}
		if _, ok := first[id]; !ok {
			first[id] = firstIssue{mustDate(on), cat}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = g.Raw(`SELECT r.id, b.slug, r.year_of_birth, r.sex, r.ethnic_group, r.living_alone,
			r.evaluation_group, r.enrolled_on, r.objected_on
		FROM residents r JOIN boroughs b ON b.id = r.borough_id
		WHERE b.slug IN ? AND `+eligible+`
		ORDER BY r.id`, boroughs).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var s sharing.Subject
		var id int64
		var sex, eth, group string
		var enrolled, objected *string
		if err := rows.Scan(&id, &s.Borough, &s.YearOfBirth, &sex, &eth, &s.LivingAlone, &group, &enrolled, &objected); err != nil {
			return err
		}
		s.Pseudonym, s.Ledger = sharing.Pseudonym(key, id), ledgerKey(secret, id)
		s.Sex, s.EthnicGroup, s.Group = devices.Sex(sex), devices.EthnicGroup(eth), devices.Group(group)
		if s.EnrolledOn, err = fromNullDate(enrolled); err != nil {
			return err
		}
		if s.ObjectedOn, err = fromNullDate(objected); err != nil {
			return err
		}
		if fi, ok := first[id]; ok {
			s.FirstIssuedOn, s.DeviceCategory = fi.on, fi.category
		}
		if err := fn(s); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ExportBatch is how many residents' assessments ExportAssessments reads
// and hands over at once: it bounds the memory of an export's second pass,
// whatever its size.
const ExportBatch = 500

// ExportAssessments calls fn with the residents ExportSubjects hands over,
// in pseudonym order, ExportBatch at a time, each with their assessments
// and scores (with no assessment or resident id).
func (db *DB) ExportAssessments(ctx context.Context, agreementID int64, boroughs []string, fn func([]sharing.Assessments) error) (err error) {
	defer ateval.Wrap(&err, "ExportAssessments(%d)", agreementID)
	if len(boroughs) == 0 {
		return noBoroughs()
	}
	g := db.gorm.WithContext(ctx)
	key, err := db.exportGrant(ctx, g, agreementID, boroughs)
	if err != nil {
		return err
	}
	var ids []int64
	if err := g.Raw(`SELECT r.id FROM residents r JOIN boroughs b ON b.id = r.borough_id
		WHERE b.slug IN ? AND `+eligible, boroughs).Scan(&ids).Error; err != nil {
		return err
	}
	type named struct {
		id        int64
		pseudonym string
	}
	all := make([]named, len(ids))
	for i, id := range ids {
		all[i] = named{id, sharing.Pseudonym(key, id)}
	}
	sort.Slice(all, func(a, b int) bool { return all[a].pseudonym < all[b].pseudonym })
	for start := 0; start < len(all); start += ExportBatch {
		batch := all[start:min(start+ExportBatch, len(all))]
		ids := make([]int64, len(batch))
		at := make(map[int64]int, len(batch))
		out := make([]sharing.Assessments, len(batch))
		for i, r := range batch {
			ids[i], at[r.id], out[i].Pseudonym = r.id, i, r.pseudonym
		}
		in := `a.resident_id IN (SELECT r.id FROM residents r WHERE r.id IN ? AND ` + eligible + `) AND ` + inAnalysis
		var as []assessmentRow
		if err := g.Table("assessments a").Select("a.*").Where(in, ids).Order("a.id").Find(&as).Error; err != nil {
			return err
		}
		for i := range as {
			a, err := as[i].domain()
			if err != nil {
				return err
			}
			j := at[a.ResidentID]
			a.ID, a.ResidentID = 0, 0
			out[j].Assessments = append(out[j].Assessments, a)
		}
		if err := fn(out); err != nil {
			return err
		}
	}
	return nil
}
