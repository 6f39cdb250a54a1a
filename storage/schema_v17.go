package storage

import (
	"gorm.io/gorm"

	"github.com/ateval/ateval/devices"
)

// schemaV17 stores every NHS number and postcode one way, as the forms,
// the API and the import now store them (devices.Identity.Normalize): an
// NHS number as its ten digits, a postcode in capitals with one space
// before its inward code. Until then they were kept as typed ("943 476
// 5919", "nw1 8nh"), so a search or a comparison could miss one.
// normalizeIdentities rewrites the rows that differ; a value that is not
// an NHS number or a postcode is left as it was.
const schemaV17 = ``

func normalizeIdentities(tx *gorm.DB) error {
	type idRow struct {
		ResidentID int64
		NHSNumber  string `gorm:"column:nhs_number"`
		Postcode   string
	}
	var rows []idRow
	if err := tx.Raw(`SELECT resident_id, nhs_number, postcode FROM resident_identities WHERE nhs_number <> '' OR postcode <> ''`).Scan(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		nhs, postcode := devices.NormalizeNHSNumber(r.NHSNumber), devices.NormalizePostcode(r.Postcode)
		if nhs == r.NHSNumber && postcode == r.Postcode {
			continue
		}
		if err := tx.Exec(`UPDATE resident_identities SET nhs_number = ?, postcode = ? WHERE resident_id = ?`, nhs, postcode, r.ResidentID).Error; err != nil {
			return err
		}
	}
	return nil
}
