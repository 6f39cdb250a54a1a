package evaluation

import (
	"testing"
)

// changes are three boroughs' paired summaries; mf, mb, sdf, sdb, r, n in
//
//	ch <- data.frame(n=c(25, 40, 12), mf=c(22.5, 30.1, 5.2), mb=c(20.0, 31.4, 4.0),
//	                 sdf=c(4.1, 6.2, 1.5), sdb=c(3.9, 5.8, 1.2), r=c(0.6, 0.45, 0.8))
var changes = []Change{
	{N: 25, MeanFollowUp: 22.5, MeanBaseline: 20.0, SDFollowUp: 4.1, SDBaseline: 3.9, Corr: 0.6},
	{N: 40, MeanFollowUp: 30.1, MeanBaseline: 31.4, SDFollowUp: 6.2, SDBaseline: 5.8, Corr: 0.45},
	{N: 12, MeanFollowUp: 5.2, MeanBaseline: 4.0, SDFollowUp: 1.5, SDBaseline: 1.2, Corr: 0.8},
}

func TestChangeEffectsEscalc(t *testing.T) {
	for _, c := range []struct {
		name   string
		f      func(Change) (Effect, error)
		yi, vi []float64
	}{
		// escalc("MC", m1i=mf, m2i=mb, sd1i=sdf, sd2i=sdb, ri=r, ni=n, data=ch)
		{"MC", MeanChange, []float64{2.5, -1.3, 1.2}, []float64{0.51328, 0.9929, 0.0675}},
		// escalc("SMCC", m1i=mf, m2i=mb, sd1i=sdf, sd2i=sdb, ri=r, ni=n, data=ch)
		{"SMCC", SMCC, []float64{0.675821528240237, -0.202284788185155, 1.23994641330104},
			[]float64{0.0491346947606594, 0.0255114891941389, 0.147394462827421}},
		// escalc("SMCR", m1i=mf, m2i=mb, sd1i=sdb, ri=r, ni=n, data=ch)
		{"SMCR", SMCR, []float64{0.620746944517767, -0.219795087980075, 0.929959809975779},
			[]float64{0.0397065353825629, 0.0281038735087521, 0.0693677186737578}},
	} {
		for i, ch := range changes {
			got, err := c.f(ch)
			if err != nil {
				t.Fatalf("%s %d: %v", c.name, i, err)
			}
			if !near(got.Yi, c.yi[i], 1e-12) || !near(got.Vi, c.vi[i], 1e-12) {
				t.Errorf("%s %d: got (%.15g, %.15g), escalc (%.15g, %.15g)", c.name, i, got.Yi, got.Vi, c.yi[i], c.vi[i])
			}
		}
	}
}

func TestDiffSMCR(t *testing.T) {
	// tr <- escalc("SMCR", m1i=22.5, m2i=20.0, sd1i=3.9, ri=0.6, ni=25)
	// co <- escalc("SMCR", m1i=20.6, m2i=20.2, sd1i=4.2, ri=0.55, ni=30)
	// c(tr$yi - co$yi, tr$vi + co$vi)
	got, err := DiffSMCR(changes[0], Change{N: 30, MeanFollowUp: 20.6, MeanBaseline: 20.2, SDBaseline: 4.2, SDFollowUp: 4.0, Corr: 0.55})
	if err != nil {
		t.Fatal(err)
	}
	if !near(got.Yi, 0.527996945984746, 1e-12) || !near(got.Vi, 0.0698499114196941, 1e-12) {
		t.Errorf("got %+v", got)
	}
	raw, _ := DiffMeanChange(changes[0], changes[1])
	if !near(raw.Yi, 2.5+1.3, 1e-12) || !near(raw.Vi, 0.51328+0.9929, 1e-12) {
		t.Errorf("DiffMeanChange: got %+v", raw)
	}
}

func TestChangeFromSums(t *testing.T) {
	b := []float64{3, 5, 4, 6, 2}
	f := []float64{4, 6, 6, 7, 2}
	var sb, sf, sbb, sff, sbf float64
	for i := range b {
		sb, sf, sbb, sff, sbf = sb+b[i], sf+f[i], sbb+b[i]*b[i], sff+f[i]*f[i], sbf+b[i]*f[i]
	}
	c, err := ChangeFromSums(len(b), sb, sf, sbb, sff, sbf)
	if err != nil {
		t.Fatal(err)
	}
	// R: b <- c(3,5,4,6,2); f <- c(4,6,6,7,2); c(mean(f-b), sd(f-b), sd(b), sd(f), cor(b,f))
	// 1 0.707106781186548 1.58113883008419 2 0.948683298050514
	for _, x := range []struct{ got, want float64 }{
		{c.MeanFollowUp - c.MeanBaseline, 1}, {c.SDChange(), 0.707106781186548},
		{c.SDBaseline, 1.58113883008419}, {c.SDFollowUp, 2}, {c.Corr, 0.948683298050514},
	} {
		if !near(x.got, x.want, 1e-13) {
			t.Errorf("got %.10g, want %.10g", x.got, x.want)
		}
	}
	if r := CorrFromSDChange(c.SDBaseline, c.SDFollowUp, c.SDChange()); !near(r, c.Corr, 1e-12) {
		t.Errorf("CorrFromSDChange = %v, want %v", r, c.Corr)
	}
}

func TestCountEffectsEscalc(t *testing.T) {
	// ev <- data.frame(x1=c(12, 0, 30, 0), t1=c(100, 80, 250, 50), x2=c(20, 5, 28, 0), t2=c(110, 75, 240, 60))
	// escalc("IRR", x1i=x1, t1i=t1, x2i=x2, t2i=t2, data=ev)
	after := []Events{{12, 100}, {0, 80}, {30, 250}, {0, 50}}
	before := []Events{{20, 110}, {5, 75}, {28, 240}, {0, 60}}
	irr := [][2]float64{{-0.415515443961666, 0.133333333333333}, {-2.46243379393594, 2.18181818181818},
		{0.0281708769666964, 0.0690476190476191}, {0.182321556793955, 4}}
	for i := range after {
		got, err := LogRateRatio(after[i], before[i])
		if err != nil {
			t.Fatal(err)
		}
		if !near(got.Yi, irr[i][0], 1e-13) || !near(got.Vi, irr[i][1], 1e-13) || got.Corrected != (i == 1 || i == 3) {
			t.Errorf("IRR %d: got %+v, escalc %v", i, got, irr[i])
		}
	}
	// pr <- data.frame(x=c(30, 0, 25, 12), n=c(40, 20, 25, 50))
	// escalc("PR", xi=x, ni=n, data=pr); escalc("PLO", xi=x, ni=n, data=pr)
	x, n := []int{30, 0, 25, 12}, []int{40, 20, 25, 50}
	pr := [][2]float64{{0.75, 0.0046875}, {0.0238095238095238, 0.00110679192311845},
		{0.980769230769231, 0.000725421028675468}, {0.24, 0.003648}}
	plo := [][2]float64{{1.09861228866811, 0.133333333333333}, {-3.71357206670431, 2.04878048780488},
		{3.93182563272432, 2.03921568627451}, {-1.15267950993839, 0.109649122807018}}
	for i := range x {
		p, err1 := Proportion(x[i], n[i])
		l, err2 := LogitProportion(x[i], n[i])
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !near(p.Yi, pr[i][0], 1e-13) || !near(p.Vi, pr[i][1], 1e-13) {
			t.Errorf("PR %d: got %+v, escalc %v", i, p, pr[i])
		}
		if !near(l.Yi, plo[i][0], 1e-13) || !near(l.Vi, plo[i][1], 1e-13) {
			t.Errorf("PLO %d: got %+v, escalc %v", i, l, plo[i])
		}
	}
}

func TestEffectErrors(t *testing.T) {
	for name, f := range map[string]func() error{
		"SMCR n=2":       func() error { _, err := SMCR(Change{N: 2, SDBaseline: 1, Corr: 0.5}); return err },
		"MC r>1":         func() error { _, err := MeanChange(Change{N: 5, Corr: 1.5}); return err },
		"MC negative sd": func() error { _, err := MeanChange(Change{N: 5, SDBaseline: -1}); return err },
		"SMCC sd_d=0":    func() error { _, err := SMCC(Change{N: 5, SDBaseline: 1, SDFollowUp: 1, Corr: 1}); return err },
		"IRR zero time":  func() error { _, err := LogRateRatio(Events{1, 0}, Events{1, 1}); return err },
		"IRR neg count":  func() error { _, err := LogRateRatio(Events{-1, 1}, Events{1, 1}); return err },
		"PR x>n":         func() error { _, err := Proportion(5, 4); return err },
		"PLO n=0":        func() error { _, err := LogitProportion(0, 0); return err },
		"sums n=1":       func() error { _, err := ChangeFromSums(1, 1, 1, 1, 1, 1); return err },
	} {
		if f() == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
