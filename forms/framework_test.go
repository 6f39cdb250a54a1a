package forms

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ateval/ateval"
)

// TestDefault guards the embedded framework: Default panics if it is broken.
func TestDefault(t *testing.T) {
	f := Default()
	if got, want := f.Version(), "2026.1"; got != want {
		t.Errorf("Version() = %q, want %q", got, want)
	}
	want := []string{"ons4", "swemwbs", "eq5d5l", "ascot-sct4", "ucla3", "short-fes-i", "zbi12", "ces", "gas", "events", "device-use"}
	var got []string
	for _, in := range f.Instruments() {
		got = append(got, in.ID)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("instruments = %v, want %v", got, want)
	}
	for _, id := range []string{"swemwbs_7", "ons4_anxious", "eq5d5l_vas", "ucla3_3", "short_fes_i_7", "events_death", "device_use_stop_reason", "gas_goal5_weight", "zbi12_12", "ascot_sct4_dignity", "ces_getting_on"} {
		found := false
		for _, in := range f.Instruments() {
			if _, ok := in.Item(id); ok {
				found = true
			}
		}
		if !found {
			t.Errorf("item %s is not in the framework", id)
		}
	}
}

func TestMarshalJSON(t *testing.T) {
	b, err := json.Marshal(Default())
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Version     string `json:"version"`
		Instruments []struct {
			ID    string `json:"id"`
			Items []struct {
				ID       string `json:"id"`
				Relevant string `json:"relevant"`
			} `json:"items"`
		} `json:"instruments"`
		Schedule []Window `json:"schedule"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if v.Version != "2026.1" || len(v.Instruments) != 11 || len(v.Schedule) != 5 {
		t.Errorf("marshalled framework: version %q, %d instruments, %d timepoints", v.Version, len(v.Instruments), len(v.Schedule))
	}
}

func TestLoadRejects(t *testing.T) {
	good := `{"id":"x","name":"X","items":[{"id":"x_1","text":"Q","type":"choice","required":true,"levels":[{"code":1,"label":"a"},{"code":2,"label":"b"}]}],"scores":[{"name":"score","kind":"sum","method":"x-sum","version":"1","items":["x_1"]}]}`
	fw := `{"version":"t","instruments":["x"],"schedule":[{"timepoint":"baseline","target_days":0,"instruments":["x"]}]}`
	tests := []struct {
		name, framework, instrument, want string
	}{
		{"good", fw, good, ""},
		{"unknown field", fw, strings.Replace(good, `"name"`, `"nmae"`, 1), "unknown field"},
		{"bad item id", fw, strings.Replace(good, `"id":"x_1"`, `"id":"X 1"`, 1), "lower-case"},
		{"duplicate level", fw, strings.Replace(good, `"code":2`, `"code":1`, 1), "used twice"},
		{"unknown type", fw, strings.Replace(good, `"type":"choice"`, `"type":"text"`, 1), "not one of choice"},
		{"skip rule on unknown item", fw, strings.Replace(good, `"required":true`, `"required":true,"relevant":"y_1 = 1"`, 1), "not an earlier item"},
		{"score on unknown item", fw, strings.Replace(good, `"items":["x_1"]`, `"items":["x_2"]`, 1), "not in the instrument"},
		{"unknown kind", fw, strings.Replace(good, `"kind":"sum"`, `"kind":"mean"`, 1), "kind"},
		{"no version", strings.Replace(fw, `"version":"t"`, `"version":""`, 1), good, "version is missing"},
		{"unknown timepoint", strings.Replace(fw, `"baseline"`, `"m9"`, 1), good, "timepoint"},
		{"schedule names unknown instrument", strings.Replace(fw, `"instruments":["x"]}`, `"instruments":["y"]}`, 1), good, "not in the framework"},
		{"id mismatch", fw, strings.Replace(good, `"id":"x"`, `"id":"z"`, 1), "does not match"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"framework.json": {Data: []byte(tt.framework)}, "instruments/x.json": {Data: []byte(tt.instrument)}}
			_, err := Load(fsys)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load error = %v, want one containing %q", err, tt.want)
			}
			if ateval.ErrorCode(err) != ateval.EINVALID {
				t.Errorf("code = %q, want invalid", ateval.ErrorCode(err))
			}
		})
	}
}
