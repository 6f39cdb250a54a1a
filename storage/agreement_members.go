package storage

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"gorm.io/gorm"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/sharing"
)

// ActionAddAgreementMember is the audit action of naming an evaluator on
// a data sharing agreement.
const ActionAddAgreementMember = ateval.ActionAddAgreementMember

type agreementMemberRow struct {
	AgreementID int64 `gorm:"primaryKey;autoIncrement:false"`
	UserID      int64 `gorm:"primaryKey;autoIncrement:false"`
	AddedOn     string
}

func (agreementMemberRow) TableName() string { return "agreement_members" }

// AddAgreementEvaluators names evaluators, by email, on an agreement. Only
// an administrator or the command-line operator may. Each email must be an
// evaluator's account; naming someone already named does nothing. Each
// addition is audited.
func (db *DB) AddAgreementEvaluators(ctx context.Context, agreementID int64, emails []string) (err error) {
	defer ateval.Wrap(&err, "AddAgreementEvaluators(%d)", agreementID)
	if err := agreementScope(ctx, true); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *Tx) error {
		var n int64
		if err := tx.g.Model(&agreementRow{}).Where("id = ?", agreementID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return ateval.Errorf(ateval.ENOTFOUND, "There is no data sharing agreement %d.", agreementID)
		}
		return db.addMembers(ctx, tx, agreementID, emails)
	})
}

// addMembers names the evaluators on the agreement within tx.
func (db *DB) addMembers(ctx context.Context, tx *Tx, agreementID int64, emails []string) error {
	var errs []ateval.FieldError
	var users []userRow
	for _, e := range emails {
		e = ateval.NormalizeEmail(e)
		var u userRow
		err := tx.g.Where("email = ?", e).Take(&u).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			errs = append(errs, ateval.FieldError{Field: "evaluators", Message: "there is no user " + e})
			continue
		case err != nil:
			return err
		case u.Role != string(ateval.RoleEvaluator):
			errs = append(errs, ateval.FieldError{Field: "evaluators", Message: e + " is a " + u.Role + ", not an evaluator"})
			continue
		}
		users = append(users, u)
	}
	if len(errs) > 0 {
		return ateval.Invalid("Only evaluators can be named on a data sharing agreement.", errs)
	}
	for _, u := range users {
		var n int64
		if err := tx.g.Model(&agreementMemberRow{}).Where("agreement_id = ? AND user_id = ?", agreementID, u.ID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		if err := tx.g.Create(&agreementMemberRow{AgreementID: agreementID, UserID: u.ID, AddedOn: db.today().String()}).Error; err != nil {
			return err
		}
		err := db.audit(ctx, tx.g, ateval.AuditEntry{Action: ActionAddAgreementMember, ObjectType: "agreement", ObjectID: agreementID,
			Detail: fmt.Sprintf("user %d", u.ID)})
		if err != nil {
			return err
		}
	}
	return nil
}

// namedOn reports whether the user is named on the agreement.
func namedOn(g *gorm.DB, agreementID, userID int64) (bool, error) {
	var n int64
	err := g.Model(&agreementMemberRow{}).Where("agreement_id = ? AND user_id = ?", agreementID, userID).Count(&n).Error
	return n > 0, err
}

// memberScope refuses an evaluator an agreement they are not named on.
// Administrators and the command-line operator may read every agreement.
func memberScope(ctx context.Context, g *gorm.DB, agreementID int64) error {
	u := ateval.UserFromContext(ctx)
	if u == nil || u.Role != ateval.RoleEvaluator {
		return nil // agreementScope has decided
	}
	ok, err := namedOn(g, agreementID, u.ID)
	if err != nil {
		return err
	}
	if !ok {
		return ateval.Errorf(ateval.EFORBIDDEN, "You are not named on data sharing agreement %d, so you cannot export under it. Ask an administrator to add you.", agreementID)
	}
	return nil
}

// Agreements lists the register, newest first, without pseudonym keys:
// every agreement, with its evaluators, for an administrator or the
// command-line operator; for an evaluator, only those naming them (and not
// their colleagues' emails).
func (db *DB) Agreements(ctx context.Context) (_ []sharing.Agreement, err error) {
	defer ateval.Wrap(&err, "Agreements")
	if err := agreementScope(ctx, false); err != nil {
		return nil, err
	}
	u := ateval.UserFromContext(ctx)
	tx := db.View(ctx)
	q := tx.g.Model(&agreementRow{}).Order("id DESC")
	if u.Role == ateval.RoleEvaluator {
		q = q.Where("id IN (SELECT agreement_id FROM agreement_members WHERE user_id = ?)", u.ID)
	}
	var rows []agreementRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	type link struct {
		AgreementID int64
		Value       string
	}
	var bs, ms []link
	if err := tx.g.Table("agreement_boroughs ab").Select("ab.agreement_id AS agreement_id, b.slug AS value").
		Joins("JOIN boroughs b ON b.id = ab.borough_id").Scan(&bs).Error; err != nil {
		return nil, err
	}
	if u.Role != ateval.RoleEvaluator {
		if err := tx.g.Table("agreement_members am").Select("am.agreement_id AS agreement_id, u.email AS value").
			Joins("JOIN users u ON u.id = am.user_id").Scan(&ms).Error; err != nil {
			return nil, err
		}
	}
	boroughs, members := map[int64][]string{}, map[int64][]string{}
	for _, l := range bs {
		boroughs[l.AgreementID] = append(boroughs[l.AgreementID], l.Value)
	}
	for _, l := range ms {
		members[l.AgreementID] = append(members[l.AgreementID], l.Value)
	}
	out := make([]sharing.Agreement, 0, len(rows))
	for _, r := range rows {
		r.PseudonymKey = ""
		a := sharing.Agreement{ID: r.ID, Name: r.Name, Parties: splitNonEmpty(r.Parties, "\n"), Purpose: r.Purpose,
			LawfulBasis: r.LawfulBasis, Boroughs: boroughs[r.ID], Instruments: splitNonEmpty(r.Instruments, ","),
			Fields: splitNonEmpty(r.Fields, ","), CreatedOn: mustDate(r.CreatedOn), ExpiresOn: mustDate(r.ExpiresOn),
			MinK: r.MinK, Evaluators: members[r.ID]}
		sort.Strings(a.Boroughs)
		sort.Strings(a.Evaluators)
		out = append(out, a)
	}
	return out, nil
}
