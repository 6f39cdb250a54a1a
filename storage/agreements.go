package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"

	"gorm.io/gorm"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/sharing"
)

type agreementRow struct {
	ID           int64 `gorm:"primaryKey"`
	Name         string
	Parties      string
	Purpose      string
	LawfulBasis  string
	Instruments  string
	Fields       string
	CreatedOn    string
	ExpiresOn    string
	PseudonymKey string
	MinK         int
}

func (agreementRow) TableName() string { return "data_sharing_agreements" }

type agreementBoroughRow struct {
	AgreementID int64 `gorm:"primaryKey;autoIncrement:false"`
	BoroughID   int64 `gorm:"primaryKey;autoIncrement:false"`
}

func (agreementBoroughRow) TableName() string { return "agreement_boroughs" }

// domain is the agreement without its key. Parties are stored one per
// line: a party's name may hold a comma.
func (r *agreementRow) domain(boroughs []string) sharing.Agreement {
	return sharing.Agreement{ID: r.ID, Name: r.Name, Parties: splitNonEmpty(r.Parties, "\n"), Purpose: r.Purpose,
		LawfulBasis: r.LawfulBasis, Boroughs: boroughs, Instruments: splitNonEmpty(r.Instruments, ","),
		Fields: splitNonEmpty(r.Fields, ","), CreatedOn: mustDate(r.CreatedOn), ExpiresOn: mustDate(r.ExpiresOn), MinK: r.MinK}
}

// key is the agreement's pseudonym key. It never leaves this package:
// storage makes the pseudonyms (see exportGrant).
func (r *agreementRow) key() ([]byte, error) {
	key, err := hex.DecodeString(r.PseudonymKey)
	if err != nil || len(key) != sharing.KeySize {
		return nil, ateval.Errorf(ateval.EINTERNAL, "data sharing agreement %d: malformed pseudonym key", r.ID)
	}
	return key, nil
}

func splitNonEmpty(s, sep string) []string {
	if s == "" {
		return []string{} // an empty list in JSON, never null
	}
	return strings.Split(s, sep)
}

// agreementScope refuses anyone but an administrator or the command-line
// operator to keep the register; evaluators may read agreements (those
// naming them), no one else. Reading an agreement gives no resident-level
// data: exporting under it is exportGrant's to allow.
func agreementScope(ctx context.Context, write bool) error {
	err := AdminOnly(ctx, "Your role does not give access to data sharing agreements.")
	if u := ateval.UserFromContext(ctx); err != nil && u != nil && !write && u.Role == ateval.RoleEvaluator {
		return nil
	}
	return err
}

// CreateAgreement registers a data sharing agreement, made today, with a
// fresh random pseudonym key, which stays in storage, and sets its ID and
// CreatedOn, and its MinK to sharing.DefaultK if it has none. Every
// borough must exist, and a.Evaluators must be evaluators' emails: they
// are named on it in the same transaction. The registration is audited.
func (db *DB) CreateAgreement(ctx context.Context, a *sharing.Agreement, f *forms.Framework) (err error) {
	defer ateval.Wrap(&err, "CreateAgreement")
	if err := agreementScope(ctx, true); err != nil {
		return err
	}
	a.CreatedOn = db.today()
	if a.MinK == 0 {
		a.MinK = sharing.DefaultK
	}
	if err := a.Validate(f); err != nil {
		return err
	}
	key := make([]byte, sharing.KeySize)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *Tx) error {
		var bs []boroughRow
		if err := tx.g.Where("slug IN ?", a.Boroughs).Find(&bs).Error; err != nil {
			return err
		}
		ids := map[string]int64{}
		for _, b := range bs {
			ids[b.Slug] = b.ID
		}
		var errs []ateval.FieldError
		for _, s := range a.Boroughs {
			if ids[s] == 0 {
				errs = append(errs, ateval.FieldError{Field: "boroughs", Message: "there is no borough " + s})
			}
		}
		if len(errs) > 0 {
			return ateval.Invalid("The data sharing agreement is not valid.", errs)
		}
		row := agreementRow{Name: strings.TrimSpace(a.Name), Parties: strings.Join(a.Parties, "\n"), Purpose: strings.TrimSpace(a.Purpose),
			LawfulBasis: strings.TrimSpace(a.LawfulBasis), Instruments: strings.Join(a.Instruments, ","), Fields: strings.Join(a.Fields, ","),
			CreatedOn: a.CreatedOn.String(), ExpiresOn: a.ExpiresOn.String(), PseudonymKey: hex.EncodeToString(key), MinK: a.MinK}
		if err := tx.g.Create(&row).Error; err != nil {
			return translate(err, "a data sharing agreement named "+row.Name)
		}
		links := make([]agreementBoroughRow, len(a.Boroughs))
		for i, s := range a.Boroughs {
			links[i] = agreementBoroughRow{AgreementID: row.ID, BoroughID: ids[s]}
		}
		if err := tx.g.Create(&links).Error; err != nil {
			return err
		}
		a.ID = row.ID
		if err := db.audit(ctx, tx.g, ateval.AuditEntry{Action: ActionCreateAgreement, ObjectType: "agreement", ObjectID: row.ID}); err != nil {
			return err
		}
		return db.addMembers(ctx, tx, row.ID, a.Evaluators)
	})
}

// ActionCreateAgreement is the audit action of registering an agreement.
const ActionCreateAgreement = ateval.ActionCreateAgreement

// Agreement returns the agreement with its boroughs, never its key. An
// evaluator gets only an agreement naming them (EFORBIDDEN otherwise);
// exporting under it is checked again by every method an export reads
// through (see exportGrant).
func (db *DB) Agreement(ctx context.Context, id int64) (_ sharing.Agreement, err error) {
	defer ateval.Wrap(&err, "Agreement(%d)", id)
	if err := agreementScope(ctx, false); err != nil {
		return sharing.Agreement{}, err
	}
	tx := db.View(ctx)
	if err := memberScope(ctx, tx.g, id); err != nil {
		return sharing.Agreement{}, err
	}
	var row agreementRow
	if err := tx.g.Where("id = ?", id).Take(&row).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return sharing.Agreement{}, ateval.Errorf(ateval.ENOTFOUND, "There is no data sharing agreement %d.", id)
	} else if err != nil {
		return sharing.Agreement{}, err
	}
	var slugs []string
	if err := tx.g.Table("agreement_boroughs ab").Joins("JOIN boroughs b ON b.id = ab.borough_id").
		Where("ab.agreement_id = ?", id).Order("b.slug").Pluck("b.slug", &slugs).Error; err != nil {
		return sharing.Agreement{}, err
	}
	return row.domain(slugs), nil
}
