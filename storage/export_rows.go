package storage

import (
	"context"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/exports"
	"github.com/ateval/ateval/forms"
)

// exportScope lets the command-line operator, administrators and
// evaluators read the rows an anonymised export is made from. Which
// residents is the agreement's to say (exports.Prepare checks it); these
// methods never return an identity.
func exportScope(ctx context.Context) error {
	u := ateval.UserFromContext(ctx)
	switch {
	case u == nil:
		return errSignIn
	case u.IsSystem(), u.Role == ateval.RoleAdmin, u.Role == ateval.RoleEvaluator:
		return nil
	}
	return ateval.Errorf(ateval.EFORBIDDEN, "Your role does not give access to anonymised exports.")
}

// eligible is the condition on residents r that an export may include:
// enrolled, and no objection recorded.
const eligible = "r.enrolled_on IS NOT NULL AND r.objected_on IS NULL"

// ExportSubjects calls fn for every resident of the boroughs (slugs) who is
// enrolled and has not objected, with the category and date of their
// first device issue. It implements exports.Source: the first pass of an
// export, one small struct per resident.
func (db *DB) ExportSubjects(ctx context.Context, boroughs []string, fn func(exports.Subject) error) (err error) {
	defer ateval.Wrap(&err, "ExportSubjects")
	if err := exportScope(ctx); err != nil {
		return err
	}
	g := db.gorm.WithContext(ctx)
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
	rows, err = g.Raw(`SELECT r.id, b.slug, r.reference, r.year_of_birth, r.sex, r.ethnic_group, r.living_alone,
			r.evaluation_group, r.enrolled_on, r.objected_on
		FROM residents r JOIN boroughs b ON b.id = r.borough_id
		WHERE b.slug IN ? AND `+eligible+`
		ORDER BY r.id`, boroughs).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var s exports.Subject
		var sex, eth, group string
		var enrolled, objected *string
		if err := rows.Scan(&s.ResidentID, &s.Borough, &s.Reference, &s.YearOfBirth, &sex, &eth, &s.LivingAlone, &group, &enrolled, &objected); err != nil {
			return err
		}
		s.Sex, s.EthnicGroup, s.Group = devices.Sex(sex), devices.EthnicGroup(eth), devices.Group(group)
		if s.EnrolledOn, err = fromNullDate(enrolled); err != nil {
			return err
		}
		if s.ObjectedOn, err = fromNullDate(objected); err != nil {
			return err
		}
		if fi, ok := first[s.ResidentID]; ok {
			s.FirstIssuedOn, s.DeviceCategory = fi.on, fi.category
		}
		if err := fn(s); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ExportAssessments calls fn for every assessment, with its scores, of the
// eligible residents among residentIDs. exports calls it a bounded batch
// of residents at a time, so it reads the batch whole.
func (db *DB) ExportAssessments(ctx context.Context, residentIDs []int64, fn func(forms.Assessment) error) (err error) {
	defer ateval.Wrap(&err, "ExportAssessments")
	if err := exportScope(ctx); err != nil {
		return err
	}
	if len(residentIDs) == 0 {
		return nil
	}
	g := db.gorm.WithContext(ctx)
	in := `a.resident_id IN (SELECT r.id FROM residents r WHERE r.id IN ? AND ` + eligible + `)`
	var as []assessmentRow
	if err := g.Table("assessments a").Select("a.*").Where(in, residentIDs).Order("a.id").Find(&as).Error; err != nil {
		return err
	}
	var ss []scoreRow
	if err := g.Table("assessment_scores s").Select("s.*").Joins("JOIN assessments a ON a.id = s.assessment_id").
		Where(in, residentIDs).Order("s.assessment_id, s.name").Find(&ss).Error; err != nil {
		return err
	}
	scores := map[int64][]scoreRow{}
	for _, s := range ss {
		scores[s.AssessmentID] = append(scores[s.AssessmentID], s)
	}
	for i := range as {
		a, err := as[i].domain(scores[as[i].ID])
		if err != nil {
			return err
		}
		if err := fn(a); err != nil {
			return err
		}
	}
	return nil
}
