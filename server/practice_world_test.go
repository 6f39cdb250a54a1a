package server

import (
	"context"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/exports"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage"
)

// camIssue issues the world's first catalogue device (added if there is
// none) to Camden's resident, and returns the issue.
func (w *world) camIssue() devices.DeviceIssue {
	w.t.Helper()
	sys := ateval.SystemContext(context.Background())
	d := w.device()
	di := devices.DeviceIssue{DeviceID: d.ID, IssuedOn: ateval.NewDate(2025, 2, 1)}
	if err := w.db.IssueDevice(sys, w.camRes.ID, &di); err != nil {
		w.t.Fatal(err)
	}
	return di
}

// device returns a catalogue device, adding one the first time.
func (w *world) device() devices.Device {
	w.t.Helper()
	sys := ateval.SystemContext(context.Background())
	ds, err := w.db.View(sys).Devices()
	if err != nil {
		w.t.Fatal(err)
	}
	if len(ds) > 0 {
		return ds[0]
	}
	d := devices.Device{Code: "fall-detector-a", Category: "fall-detector", Product: "Fall detector A", Supplier: "Test Ltd", UnitCostPence: 9800, Monitored: true}
	if err := w.db.InTx(sys, func(tx *storage.Tx) error { return tx.CreateDevice(&d) }); err != nil {
		w.t.Fatal(err)
	}
	return d
}

type exportSubject = exports.Subject

// camAssessment enrols Camden's resident (in the comparison group, from
// the day of registration) and records an ONS4 baseline for them, and
// returns it.
func (w *world) camAssessment() forms.Assessment {
	w.t.Helper()
	sys := ateval.SystemContext(context.Background())
	g, on := devices.Comparison, w.camRes.RegisteredOn
	if _, err := w.db.UpdateResident(sys, w.camRes.ID, devices.ResidentPatch{Group: &g, EnrolledOn: &on}); err != nil {
		w.t.Fatal(err)
	}
	v := func(x float64) *float64 { return &x }
	a := forms.Assessment{ResidentID: w.camRes.ID, Instrument: "ons4", Timepoint: forms.Baseline, AssessedOn: on.AddDays(1),
		Respondent: forms.RespondentResident, Answers: []forms.Answer{{Item: "ons4_satisfied", Value: v(7)}, {Item: "ons4_worthwhile", Value: v(8)},
			{Item: "ons4_happy", Value: v(6)}, {Item: "ons4_anxious", Value: v(3)}}}
	if err := w.db.RecordAssessment(sys, forms.Default(), &a); err != nil {
		w.t.Fatal(err)
	}
	return a
}
