package forms

import (
	"embed"
	"encoding/json"
	"io/fs"
	"sync"
)

// CurrentVersion is the framework version embedded in this build.
const CurrentVersion = "2026.1"

//go:embed framework
var embedded embed.FS

// Framework is one version of the common evaluation framework: its
// instruments and its schedule of timepoints. A Framework is read-only once
// loaded and safe for concurrent use; methods that change it (LoadWording,
// LoadValueSet) return a changed copy.
type Framework struct {
	version     string
	title       string
	notes       string
	instruments []*Instrument
	byID        map[string]*Instrument
	schedule    []Window
	protocol    *Protocol
}

// Window is one timepoint of the schedule: its target day counted from
// enrolment, the days either side in which it may be taken, the grace days
// after the window in which a late assessment is still chased (overdue), and
// the instruments due.
type Window struct {
	Timepoint    Timepoint `json:"timepoint"`
	TargetDays   int       `json:"target_days"`
	WindowBefore int       `json:"window_before"`
	WindowAfter  int       `json:"window_after"`
	GraceDays    int       `json:"grace_days"`
	Instruments  []string  `json:"instruments"`
}

var defaultFramework = sync.OnceValue(func() *Framework {
	sub, err := fs.Sub(embedded, "framework/"+CurrentVersion)
	if err != nil {
		panic("forms: embedded framework: " + err.Error())
	}
	f, err := Load(sub)
	if err != nil {
		// A test loads the embedded data, so this is a broken build.
		panic("forms: embedded framework is broken: " + err.Error())
	}
	return f
})

// Default returns the framework embedded in this build, parsed once.
func Default() *Framework { return defaultFramework() }

// Version returns the framework version, such as "2026.1".
func (f *Framework) Version() string { return f.version }

// Instrument returns the instrument with the given id.
func (f *Framework) Instrument(id string) (*Instrument, bool) {
	in, ok := f.byID[id]
	return in, ok
}

// Instruments returns the instruments in framework order.
func (f *Framework) Instruments() []*Instrument {
	return append([]*Instrument(nil), f.instruments...)
}

// Windows returns the schedule, in time order.
func (f *Framework) Windows() []Window { return append([]Window(nil), f.schedule...) }

// frameworkJSON is the written form of a framework: framework.json holds
// instrument ids; the marshalled form (for the API and the CLI) holds the
// instruments themselves.
type frameworkJSON struct {
	Version     string          `json:"version"`
	Title       string          `json:"title,omitempty"`
	Notes       string          `json:"notes,omitempty"`
	Instruments json.RawMessage `json:"instruments"`
	Schedule    []Window        `json:"schedule"`
	Protocol    *Protocol       `json:"protocol,omitempty"`
}

// MarshalJSON writes the whole framework: version, schedule and every
// instrument with its items, levels, skip rules and scoring rules.
func (f *Framework) MarshalJSON() ([]byte, error) {
	ins, err := json.Marshal(f.instruments)
	if err != nil {
		return nil, err
	}
	return json.Marshal(frameworkJSON{Version: f.version, Title: f.title, Notes: f.notes, Instruments: ins, Schedule: f.schedule, Protocol: f.protocol})
}

// clone returns a copy of f whose instruments may be changed without
// touching f.
func (f *Framework) clone() *Framework {
	g := *f
	g.instruments = make([]*Instrument, len(f.instruments))
	g.byID = make(map[string]*Instrument, len(f.instruments))
	for i, in := range f.instruments {
		c := in.clone()
		g.instruments[i] = c
		g.byID[c.ID] = c
	}
	return &g
}
