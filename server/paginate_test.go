package server

import "testing"

func TestPaginate(t *testing.T) {
	for _, c := range []struct {
		n     int
		asked string
		want  page
	}{
		{0, "", page{Number: 1, Pages: 1, From: 0, To: 0}},
		{250, "", page{Number: 1, Pages: 3, From: 0, To: 100, Next: 2}},
		{250, "2", page{Number: 2, Pages: 3, From: 100, To: 200, Prev: 1, Next: 3}},
		{250, "3", page{Number: 3, Pages: 3, From: 200, To: 250, Prev: 2}},
		{250, "9", page{Number: 3, Pages: 3, From: 200, To: 250, Prev: 2}},
		{250, "-1", page{Number: 1, Pages: 3, From: 0, To: 100, Next: 2}},
		{250, "x", page{Number: 1, Pages: 3, From: 0, To: 100, Next: 2}},
		{100, "1", page{Number: 1, Pages: 1, From: 0, To: 100}},
	} {
		if got := paginate(c.n, c.asked, 100); got != c.want {
			t.Errorf("paginate(%d, %q) = %+v, want %+v", c.n, c.asked, got, c.want)
		}
	}
}
