package storage

import (
	"gorm.io/gorm"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
)

// The bulk writes and reads of an import, for the command-line operator
// only: residents, device issues and the keys of residents stored.

// errOperatorOnly refuses the bulk methods below to anyone but the
// command-line operator.
var errOperatorOnly = ateval.Errorf(ateval.EFORBIDDEN, "Only the operator, at the command line, may load or read residents in bulk.")

// operatorOnly guards the bulk methods an import uses: they read and write
// residents of every borough with no scoping of their own, so a request
// from the web (or code that forgot to say who it acts for) must never
// reach them. Scoped methods use the unexported forms after their checks.
func (tx *Tx) operatorOnly() error {
	if ateval.UserFromContext(tx.ctx).IsSystem() {
		return nil
	}
	return errOperatorOnly
}

// CreateResidents stores residents with their identities (ids[i] belongs to
// rs[i]; a nil ids stores none) and sets their IDs. Operator only.
func (tx *Tx) CreateResidents(rs []devices.Resident, ids []devices.Identity) error {
	if err := tx.operatorOnly(); err != nil {
		return err
	}
	return tx.createResidents(rs, ids)
}

func (tx *Tx) createResidents(rs []devices.Resident, ids []devices.Identity) error {
	rows := make([]residentRow, len(rs))
	for i := range rs {
		rows[i] = residentToRow(&rs[i])
		rows[i].ID = 0
	}
	if err := tx.g.CreateInBatches(&rows, batchSize).Error; err != nil {
		return translate(err, "resident")
	}
	for i := range rs {
		rs[i].ID = rows[i].ID
	}
	if ids == nil {
		return nil
	}
	idRows := make([]identityRow, len(ids))
	for i := range ids {
		ids[i].ResidentID = rs[i].ID
		idRows[i] = identityToRow(&ids[i])
	}
	return tx.g.CreateInBatches(&idRows, batchSize).Error
}

// CreateDeviceIssues stores device issues and sets their IDs. Operator only.
func (tx *Tx) CreateDeviceIssues(dis []devices.DeviceIssue) error {
	if err := tx.operatorOnly(); err != nil {
		return err
	}
	return tx.createDeviceIssues(dis)
}

func (tx *Tx) createDeviceIssues(dis []devices.DeviceIssue) error {
	rows := make([]deviceIssueRow, len(dis))
	for i := range dis {
		rows[i] = deviceIssueToRow(&dis[i])
		rows[i].ID = 0
	}
	if err := tx.g.CreateInBatches(&rows, batchSize).Error; err != nil {
		return translate(err, "device issue")
	}
	for i := range dis {
		dis[i].ID = rows[i].ID
	}
	return nil
}

// ResidentKey is what an import needs to know of a stored resident to
// attach device issues and assessments to it and check their dates.
type ResidentKey struct {
	ID           int64
	BoroughID    int64
	RegisteredOn ateval.Date
	EnrolledOn   ateval.Date
}

// ResidentKeys returns every resident of the boroughs, keyed by reference,
// per borough ID.
// Operator only.
func (tx *Tx) ResidentKeys() (map[int64]map[string]ResidentKey, error) {
	if err := tx.operatorOnly(); err != nil {
		return nil, err
	}
	type keyRow struct {
		ID           int64
		BoroughID    int64
		Reference    string
		RegisteredOn string
		EnrolledOn   *string
	}
	out := map[int64]map[string]ResidentKey{}
	var batch []keyRow
	err := tx.g.Model(&residentRow{}).Select("id, borough_id, reference, registered_on, enrolled_on").
		FindInBatches(&batch, 10000, func(*gorm.DB, int) error {
			for _, r := range batch {
				m := out[r.BoroughID]
				if m == nil {
					m = map[string]ResidentKey{}
					out[r.BoroughID] = m
				}
				enrolled, err := fromNullDate(r.EnrolledOn)
				if err != nil {
					return err
				}
				m[r.Reference] = ResidentKey{ID: r.ID, BoroughID: r.BoroughID, RegisteredOn: mustDate(r.RegisteredOn), EnrolledOn: enrolled}
			}
			return nil
		}).Error
	return out, err
}
