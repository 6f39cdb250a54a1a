package sharing

import (
	"reflect"
	"strings"
	"testing"

	"github.com/ateval/ateval"
)

func TestParseList(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		bad  bool
	}{
		{"", nil, false},
		{"camden", []string{"camden"}, false},
		{" Camden , tower-hamlets,,camden ", []string{"camden", "tower-hamlets"}, false},
		{"short_fes_i,eq5d5l", []string{"short_fes_i", "eq5d5l"}, false},
		{"camden;sutton", nil, true},
		{"-camden", nil, true},
		{"tower--hamlets", nil, true},
		{"caméden", nil, true},
		{strings.Repeat("a", 65), nil, true},
	} {
		got, err := ParseList(tc.in)
		if (err != nil) != tc.bad || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseList(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.bad)
		}
	}
}

// FuzzParseList checks that any input either fails with an EINVALID
// error or gives codes that are safe to store and to join back.
func FuzzParseList(f *testing.F) {
	for _, s := range []string{"", "camden", "a,b,,a", " X , y-z ", "a;b", "\xff", strings.Repeat("a,", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseList(s)
		if err != nil {
			if ateval.ErrorCode(err) != ateval.EINVALID {
				t.Fatalf("ParseList(%q) error %v is not EINVALID", s, err)
			}
			return
		}
		seen := map[string]bool{}
		for _, x := range got {
			if !listItemRE.MatchString(x) || len(x) > 64 || seen[x] {
				t.Fatalf("ParseList(%q) gave %q", s, x)
			}
			seen[x] = true
		}
		again, err := ParseList(strings.Join(got, ","))
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Fatalf("ParseList of its own output %q = %q, %v", got, again, err)
		}
	})
}

func TestPermits(t *testing.T) {
	a := &Agreement{ID: 4, Boroughs: []string{"camden", "sutton"}, ExpiresOn: ateval.NewDate(2027, 1, 1)}
	before, last, on := ateval.NewDate(2026, 6, 1), ateval.NewDate(2026, 12, 31), ateval.NewDate(2027, 1, 1)
	for _, tc := range []struct {
		name     string
		a        *Agreement
		today    ateval.Date
		boroughs []string
		code     string
	}{
		{"in force, its boroughs", a, before, []string{"camden", "sutton"}, ""},
		{"last day", a, last, []string{"sutton"}, ""},
		{"expiry day", a, on, []string{"camden"}, ateval.EFORBIDDEN},
		{"no date", func() *Agreement { x := *a; x.ExpiresOn = ateval.NewDate(2020, 1, 1); return &x }(), ateval.Date{}, []string{"camden"}, ateval.EINTERNAL},
		{"borough outside", a, before, []string{"camden", "brent"}, ateval.EFORBIDDEN},
		{"no agreement", nil, before, []string{"camden"}, ateval.EFORBIDDEN},
		{"unsaved agreement", &Agreement{Boroughs: []string{"camden"}, ExpiresOn: on}, before, []string{"camden"}, ateval.EFORBIDDEN},
	} {
		if got := ateval.ErrorCode(tc.a.Permits(tc.today, tc.boroughs)); got != tc.code {
			t.Errorf("%s: Permits error code %q, want %q", tc.name, got, tc.code)
		}
	}
}
