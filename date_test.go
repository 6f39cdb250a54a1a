package ateval_test

import (
	"encoding/json"
	"testing"

	"github.com/ateval/ateval"
)

func TestDate(t *testing.T) {
	d, err := ateval.ParseDate("2024-02-28")
	if err != nil {
		t.Fatal(err)
	}
	if got := d.AddDays(1).String(); got != "2024-02-29" {
		t.Errorf("leap day: got %s", got)
	}
	if got := d.AddDays(365).DaysSince(d); got != 365 {
		t.Errorf("DaysSince = %d, want 365", got)
	}
	for _, bad := range []string{"2024-13-01", "24-01-01", "2024-02-30", "01/02/2024", "2024-1-1"} {
		if _, err := ateval.ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
	z, err := ateval.ParseDate("")
	if err != nil || !z.IsZero() {
		t.Errorf("ParseDate(\"\") = %v, %v; want the zero Date", z, err)
	}
	b, _ := json.Marshal(struct{ A, B ateval.Date }{A: d})
	if got, want := string(b), `{"A":"2024-02-28","B":null}`; got != want {
		t.Errorf("json = %s, want %s", got, want)
	}
	var back struct{ A, B ateval.Date }
	if err := json.Unmarshal(b, &back); err != nil || back.A != d || !back.B.IsZero() {
		t.Errorf("round trip: %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"A":"yesterday"}`), &back); err == nil {
		t.Error("unmarshalled a non-date")
	}
}

func TestSlugify(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"Tower Hamlets", "tower-hamlets"},
		{"Kensington and Chelsea", "kensington-and-chelsea"},
		{"Kingston upon Thames", "kingston-upon-thames"},
		{"  City of London ", "city-of-london"},
		{"Barking & Dagenham", "barking-dagenham"},
	} {
		if got := ateval.Slugify(c.name); got != c.want {
			t.Errorf("Slugify(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestErrorHelpers(t *testing.T) {
	err := ateval.Invalid("bad", []ateval.FieldError{{Field: "sex", Message: "must be one of female, male"}})
	var wrapped error = err
	ateval.Wrap(&wrapped, "import")
	if got := ateval.ErrorCode(wrapped); got != ateval.EINVALID {
		t.Errorf("code through a wrap = %q", got)
	}
	if got := ateval.ErrorFields(wrapped); len(got) != 1 || got[0].Field != "sex" {
		t.Errorf("fields through a wrap = %v", got)
	}
	internal := errorString("pq: relation \"residents\" does not exist")
	if got := ateval.ErrorMessage(internal); got != "Internal error." {
		t.Errorf("an internal error's text leaked to the user: %q", got)
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }
