package forms

import (
	"math"
	"strings"
	"testing"
	"testing/fstest"
)

// TestDefaultProtocol: the embedded framework names the primary
// endpoints, each with a minimal important difference and its source, and
// leaves what it does not name exploratory.
func TestDefaultProtocol(t *testing.T) {
	p := Default().Protocol()
	if p == nil {
		t.Fatal("the embedded framework has no protocol")
	}
	for _, c := range []struct {
		instrument, score string
		tp                Timepoint
		want              string
	}{
		{"swemwbs", "raw", "m6", RolePrimary},
		{"events", "falls_per_30_days", "m6", RolePrimary},
		{"device-use", "in_use", "m12", RolePrimary},
		{"eq5d5l", "index", "m6", RoleSecondary},
		{"swemwbs", "raw", "m3", RoleExploratory},
		{"ons4", "happy", "m6", RoleExploratory},
	} {
		if got := p.Role(c.instrument, c.score, c.tp); got != c.want {
			t.Errorf("Role(%s, %s, %s) = %q, want %q", c.instrument, c.score, c.tp, got, c.want)
		}
	}
	if n := len(p.Primary()); n != 3 {
		t.Errorf("%d primary endpoints, want 3", n)
	}
	for _, e := range p.Primary() {
		m, ok := p.MID(e.Instrument, e.Score)
		if !ok || m.Source == "" {
			t.Errorf("primary endpoint %s %s has no sourced minimal important difference", e.Instrument, e.Score)
		}
	}
	falls, _ := p.MID("events", "falls_per_30_days")
	lo, hi := falls.Thresholds()
	if math.Abs(math.Exp(lo)-0.75) > 1e-12 || math.Abs(math.Exp(hi)-1.25) > 1e-12 {
		t.Errorf("falls thresholds %g, %g, want the rate ratios 0.75 and 1.25", math.Exp(lo), math.Exp(hi))
	}
	var nilP *Protocol
	if nilP.Role("swemwbs", "raw", "m6") != RoleExploratory {
		t.Error("without a protocol everything is exploratory")
	}
}

func TestProtocolRejects(t *testing.T) {
	instrument := `{"id":"x","name":"X","items":[{"id":"x_1","text":"Q","type":"choice","required":true,"levels":[{"code":1,"label":"a"},{"code":2,"label":"b"}]}],"scores":[{"name":"score","kind":"sum","method":"x-sum","version":"1","items":["x_1"]}]}`
	fw := `{"version":"t","instruments":["x"],"schedule":[{"timepoint":"baseline","target_days":0,"instruments":["x"]},{"timepoint":"m6","target_days":182,"instruments":["x"]}]}`
	good := `{"title":"p","notes":"","endpoints":[{"instrument":"x","score":"score","timepoint":"m6","role":"primary","why":"w"}],` +
		`"minimal_important_differences":[{"instrument":"x","score":"score","kind":"difference","value":1,"unit":"point","source":"s","verified":false,"note":""}]}`
	for _, c := range []struct{ name, protocol, want string }{
		{"good", good, ""},
		{"unknown score", strings.Replace(good, `"score":"score","timepoint"`, `"score":"sum","timepoint"`, 1), "no such score"},
		{"baseline", strings.Replace(good, `"timepoint":"m6"`, `"timepoint":"baseline"`, 1), "not a follow-up"},
		{"unknown role", strings.Replace(good, `"role":"primary"`, `"role":"main"`, 1), "role must be"},
		{"no source", strings.Replace(good, `"source":"s"`, `"source":""`, 1), "needs its source"},
		{"bad relative", strings.Replace(good, `"kind":"difference","value":1`, `"kind":"relative","value":1`, 1), "between 0 and 1"},
		{"primary without MID", strings.Replace(good, `"instrument":"x","score":"score","kind"`, `"instrument":"y","score":"score","kind"`, 1), "has no minimal important difference"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{"framework.json": {Data: []byte(fw)}, "instruments/x.json": {Data: []byte(instrument)}, "protocol.json": {Data: []byte(c.protocol)}}
			f, err := Load(fsys)
			if c.want == "" {
				if err != nil || f.Protocol() == nil {
					t.Fatalf("Load: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Load error = %v, want one containing %q", err, c.want)
			}
		})
	}
}

// TestMIDsSayWhatWasChecked: every minimal important difference says
// what was checked against its source (verified) or why it could not be
// (unverified), so that no "verify" mark is left without a reason.
func TestMIDsSayWhatWasChecked(t *testing.T) {
	p := Default().Protocol()
	if len(p.MIDs) == 0 {
		t.Fatal("the protocol has no minimal important differences")
	}
	for _, m := range p.MIDs {
		name := m.Instrument + " " + m.Score
		switch {
		case m.Source == "":
			t.Errorf("%s: no source", name)
		case m.Verified && !strings.Contains(m.Note, "Checked on"):
			t.Errorf("%s: verified, but its note does not say what was checked and when: %q", name, m.Note)
		case !m.Verified && !strings.HasPrefix(m.Note, "Unverified"):
			t.Errorf("%s: unverified without saying why: %q", name, m.Note)
		}
		if strings.Contains(strings.ToLower(m.Note), "to be verified") && m.Verified {
			t.Errorf("%s: verified, yet its note asks for verification", name)
		}
	}
}
