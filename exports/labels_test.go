package exports

import (
	"strings"
	"testing"

	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/forms"
)

// TestCodebookLabelsAreThePages checks that every value label of a
// codebook, in both layouts, is the word the pages show for the code:
// the Label methods of devices and forms, which are the one place that
// names each code. The syntax files take their labels from the codebook,
// so R, Stata and SPSS show the same words.
func TestCodebookLabelsAreThePages(t *testing.T) {
	categories := map[string]string{}
	for _, c := range devices.Categories() {
		categories[c.ID] = c.Name
	}
	for _, layout := range []string{LayoutLong, LayoutWide} {
		names := map[string]string{"camden": "Camden", "sutton": "Sutton"}
		p, _, _ := export(t, population(60), Options{Agreement: agreement(1), Layout: layout, BoroughNames: names})
		seen := map[string]int{}
		for _, c := range p.Codebook().Columns {
			for _, l := range c.Levels {
				var want string
				switch {
				case l.Code == Suppressed:
					want = suppressedLabel
				case c.Name == QIEthnicGroup && l.Code == "ethnic_minority":
					want = generalisedLabels[QIEthnicGroup][l.Code]
				case c.Name == QISex:
					want = devices.Sex(l.Code).Label()
				case c.Name == QIEthnicGroup:
					want = devices.EthnicGroup(l.Code).Label()
				case c.Name == QIGroup:
					want = devices.Group(l.Code).Label()
				case c.Name == QIDeviceCategory && categories[l.Code] != "":
					want = categories[l.Code]
				case c.Name == QIBorough:
					want = names[l.Code]
				case c.Name == "timepoint":
					want = forms.Timepoint(l.Code).Label()
				case c.Name == "respondent" || strings.HasSuffix(c.Name, "_resp"):
					want = forms.Respondent(l.Code).Label()
				case c.MissingFor != "" && l.Code != NotScorable:
					want = forms.MissingReason(l.Code).Label()
				case c.Name == "instrument":
					in, ok := forms.Default().Instrument(l.Code)
					if !ok {
						t.Fatalf("instrument level %q is not an instrument", l.Code)
					}
					want = in.Name
				default:
					continue
				}
				seen[c.Name]++
				if l.Label != want {
					t.Errorf("%s: column %s, code %q is labelled %q; the pages say %q", layout, c.Name, l.Code, l.Label, want)
				}
				if l.Label == l.Code {
					t.Errorf("%s: column %s, code %q is labelled with itself", layout, c.Name, l.Code)
				}
			}
		}
		for _, name := range []string{QISex, QIEthnicGroup, QIGroup, QIDeviceCategory, QIBorough} {
			if seen[name] == 0 {
				t.Errorf("%s: no level of %s was checked", layout, name)
			}
		}
		if layout == LayoutLong && (seen["timepoint"] != len(forms.Timepoints()) || seen["respondent"] != len(forms.Respondents())) {
			t.Errorf("long: %d timepoint and %d respondent levels checked", seen["timepoint"], seen["respondent"])
		}
	}
}

// TestScoreColumnsNamedAsPages checks that a score's column is labelled
// with the score's name on the pages, not its code.
func TestScoreColumnsNamedAsPages(t *testing.T) {
	p, _, _ := export(t, population(60), Options{Agreement: agreement(1), Layout: LayoutLong})
	for _, c := range p.Codebook().Columns {
		if c.Score == "" || c.MissingFor != "" {
			continue
		}
		in, _ := forms.Default().Instrument(c.Instrument)
		if want := in.ShortName() + ": " + in.ScoreLabel(c.Score); c.Label != want {
			t.Errorf("score column %s is labelled %q, want %q", c.Name, c.Label, want)
		}
	}
	if _, ok := labelOf(p, "swemwbs_metric"); !ok {
		t.Fatal("no swemwbs_metric column")
	}
	if l, _ := labelOf(p, "swemwbs_metric"); !strings.Contains(l, "Wellbeing, metric score") {
		t.Errorf("swemwbs_metric is labelled %q", l)
	}
}

func labelOf(p *Plan, name string) (string, bool) {
	for _, c := range p.Codebook().Columns {
		if c.Name == name {
			return c.Label, true
		}
	}
	return "", false
}

// TestQILabelsKnowEveryCode checks that each code a resident's record
// may hold is named, so that no code reaches a codebook as its label.
func TestQILabelsKnowEveryCode(t *testing.T) {
	for _, s := range devices.Sexes() {
		if l := qiLevelLabel(QISex, string(s)); l != s.Label() || l == string(s) {
			t.Errorf("sex %q labelled %q", s, l)
		}
	}
	for _, e := range devices.EthnicGroups() {
		if l := qiLevelLabel(QIEthnicGroup, string(e)); l != e.Label() || l == string(e) {
			t.Errorf("ethnic group %q labelled %q", e, l)
		}
		if l := qiLevelLabel(QIEthnicGroup, BroadEthnicGroup(e)); l == BroadEthnicGroup(e) {
			t.Errorf("broad ethnic group %q labelled with itself", l)
		}
	}
	for _, c := range append(devices.Categories(), devices.Category{ID: NoDevice}) {
		for level := 0; level < 4; level++ {
			v := deviceValue(&Subject{DeviceCategory: c.ID}, level)
			if l := qiLevelLabel(QIDeviceCategory, v); l == v {
				t.Errorf("device category %q at level %d is %q, labelled with itself", c.ID, level, v)
			}
		}
	}
	for _, x := range qis() {
		if l := qiLevelLabel(x.name, Suppressed); l != suppressedLabel {
			t.Errorf("%s: * labelled %q", x.name, l)
		}
	}
	for _, r := range forms.MissingReasons() {
		if l := missingLevelLabel(string(r)); l != r.Label() {
			t.Errorf("missing reason %q labelled %q", r, l)
		}
	}
}
