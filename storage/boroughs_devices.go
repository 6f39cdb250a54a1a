package storage

import (
	"gorm.io/gorm/clause"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
)

// seedCategories makes sure the built-in taxonomy is present; an
// administrator's own categories are left alone.
func (tx *Tx) seedCategories() error {
	var rows []categoryRow
	for _, c := range devices.Categories() {
		rows = append(rows, categoryRow{ID: c.ID, Name: c.Name, ISO9999: c.ISO9999, Builtin: true})
	}
	return tx.g.Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error
}

// CreateBorough stores a new borough and sets its ID.
func (tx *Tx) CreateBorough(b *ateval.Borough) error {
	if err := b.Validate(); err != nil {
		return err
	}
	row := boroughRow{Slug: b.Slug, Name: b.Name, GSSCode: b.GSSCode}
	if err := tx.g.Create(&row).Error; err != nil {
		return translate(err, "borough "+b.Slug)
	}
	b.ID = row.ID
	return nil
}

// Boroughs lists every borough by name.
func (tx *Tx) Boroughs() ([]ateval.Borough, error) {
	var rows []boroughRow
	if err := tx.g.Order("name").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]ateval.Borough, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// Categories lists the device categories, built-in first.
func (tx *Tx) Categories() ([]devices.Category, error) {
	var rows []categoryRow
	if err := tx.g.Order("builtin DESC, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]devices.Category, len(rows))
	for i, r := range rows {
		out[i] = devices.Category{ID: r.ID, Name: r.Name, ISO9999: r.ISO9999}
	}
	return out, nil
}

// CreateDevice stores a catalogue entry and sets its ID. Validation against
// the categories is the caller's (it holds them for a whole import).
func (tx *Tx) CreateDevice(d *devices.Device) error {
	row := deviceToRow(d)
	row.ID = 0
	if err := tx.g.Create(&row).Error; err != nil {
		return translate(err, "device "+d.Code)
	}
	d.ID = row.ID
	return nil
}

// Devices lists the catalogue.
func (tx *Tx) Devices() ([]devices.Device, error) {
	var rows []deviceRow
	if err := tx.g.Order("category, product").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]devices.Device, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}
