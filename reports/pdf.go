package reports

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/go-pdf/fpdf"
)

// pdfText makes text safe for fpdf's core fonts (Windows-1252): symbols
// outside it are spelt out.
var pdfText = strings.NewReplacer("τ²", "tau2", "τ", "tau", "−", "-", "≥", ">=", "≤", "<=", "×", "x")

// WritePDF writes the report as an A4 PDF for a meeting: methods, the
// summary of findings, each 6-month finding with its sentence and forest
// plot, follow-up completeness and costs.
func (r *Report) WritePDF(w io.Writer) error {
	if err := drawAll(r.shown()); err != nil {
		return err
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(15, 15, 15)
	pdf.SetAutoPageBreak(true, 15)
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	text := func(s string) string { return tr(pdfText.Replace(s)) }
	h := func(size float64, s string) {
		pdf.SetFont("Helvetica", "B", size)
		pdf.MultiCell(0, size*0.5, text(s), "", "L", false)
		pdf.Ln(2)
	}
	para := func(s string) {
		pdf.SetFont("Helvetica", "", 10)
		pdf.MultiCell(0, 5, text(s), "", "L", false)
		pdf.Ln(2)
	}
	pdf.SetFooterFunc(func() {
		pdf.SetY(-10)
		pdf.SetFont("Helvetica", "", 8)
		pdf.CellFormat(0, 5, fmt.Sprintf("ateval evidence report, framework %s, page %d", r.FrameworkVersion, pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	h(18, "Evidence report: assistive technology across boroughs")
	para(fmt.Sprintf("Generated %s; follow-ups judged as of %s; %d analyses.", r.GeneratedAt.Format("2006-01-02 15:04 UTC"), r.AsOf, len(r.Analyses)))
	for _, n := range r.Disclosure.Widened {
		para("This report covers more than was asked for. " + n)
	}
	h(14, "Methods")
	for _, m := range r.Methods() {
		para(m)
	}
	image := func(c Chart, width float64) {
		png, err := c.PNG()
		if err != nil {
			pdf.SetError(err)
			return
		}
		opt := fpdf.ImageOptions{ImageType: "PNG", ReadDpi: false}
		pdf.RegisterImageOptionsReader(c.Name, opt, bytes.NewReader(png))
		info := pdf.GetImageInfo(c.Name)
		hgt := width * info.Height() / info.Width()
		if pdf.GetY()+hgt > 280 {
			pdf.AddPage()
		}
		pdf.ImageOptions(c.Name, 15, pdf.GetY(), width, hgt, false, opt, 0, "")
		pdf.SetY(pdf.GetY() + hgt + 3)
	}
	pdf.AddPage()
	h(14, "Findings at 6 months")
	for _, f := range r.findings() {
		if pdf.GetY() > 200 {
			pdf.AddPage()
		}
		h(11, f.Title)
		para(f.A.Sentence)
		if f.A.Withheld != "" {
			para("Pooled estimate withheld: " + f.A.Withheld + ".")
		}
		p := f.A.Pooled
		pdf.SetFont("Helvetica", "", 8)
		pdf.MultiCell(0, 4, text(fmt.Sprintf("%s; estimator %s, %s intervals; tau2 %s (95%% CI %s to %s, Q-profile); I2 %s; Q(%d) = %.2f, p %.3f. %s",
			f.A.Measure, f.A.Method, f.A.Test, sig3(p.Tau2), sig3(p.Tau2CILower), sig3(p.Tau2CIUpper), pctText(p.I2/100), p.QDf, p.Q, p.QP, strings.Join(f.A.Notes, "; "))), "", "L", false)
		if f.Chart.Name != "" {
			image(f.Chart, 170)
		}
	}
	pdf.AddPage()
	h(14, "Follow-up and data quality")
	para(fmt.Sprintf("Counts perturbed and rounded to the nearest %d; percentages on fewer than %d residents withheld.", r.Disclosure.RoundTo, r.Disclosure.MinValues))
	for _, c := range r.Charts {
		if c.Name == "follow-up-completeness.png" {
			image(c, 180)
		}
	}
	pdf.SetFont("Helvetica", "", 8)
	for _, f := range r.FollowUp {
		if f.Group != "intervention" {
			continue
		}
		pdf.CellFormat(0, 4, text(fmt.Sprintf("%-24s %-4s due %4d  recorded %4d  overdue or missed %4d  complete %s",
			f.Borough, f.Timepoint, f.Due, f.Recorded, f.NotRecorded, pctText(float64(f.Completeness)))), "", 1, "L", false, 0, "")
	}
	pdf.AddPage()
	h(14, "Outcomes over time")
	para("Mean change from baseline at each follow-up (share still in use, for device use), with 95% intervals; means of too few residents are gaps. Then the share of devices abandoned by each follow-up's distance from issue, among devices issued at least that long ago.")
	for _, c := range r.Charts {
		if strings.HasPrefix(c.Name, "trajectory-") || c.Name == "abandonment.png" {
			if pdf.GetY() > 190 {
				pdf.AddPage()
			}
			h(10, c.Title)
			image(c, 150)
		}
	}
	pdf.AddPage()
	h(14, "Costs and consequences (per resident, per year, GBP)")
	para("Savings are shown with their 95% range, never as a bare figure; positive is a saving. Unit costs marked unverified must be checked before use.")
	pdf.SetFont("Helvetica", "", 8)
	for _, c := range r.CostConsequence {
		line := fmt.Sprintf("%s (residents %d): device and monitoring %s", CategoryName(c.DeviceCategory), c.Residents, moneyText(float64(c.DeviceCost)))
		for _, id := range requiredUnitCosts {
			if s, ok := c.Savings[id]; ok {
				line += fmt.Sprintf("; %s %.0f (%.0f to %.0f)", id, s.Estimate, s.Lower, s.Upper)
			}
		}
		if c.Net != nil {
			line += fmt.Sprintf("; net %.0f (%.0f to %.0f)", c.Net.Estimate, c.Net.Lower, c.Net.Upper)
		}
		pdf.MultiCell(0, 4, text(line), "", "L", false)
	}
	pdf.Ln(3)
	for _, u := range r.UnitCosts.Items {
		v := ""
		if !u.Verified {
			v = " (unverified)"
		}
		pdf.MultiCell(0, 4, text(fmt.Sprintf("%s: £%.2f %s (%s). Source: %s%s", u.Label, u.Pounds, u.Unit, u.PriceYear, u.Source, v)), "", "L", false)
	}
	if err := pdf.Error(); err != nil {
		return err
	}
	return pdf.Output(w)
}

func pctText(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*x)
}

func moneyText(x float64) string {
	if math.IsNaN(x) {
		return "withheld"
	}
	return fmt.Sprintf("%.0f", x)
}

func sig3(x float64) string {
	if math.IsNaN(x) {
		return "withheld"
	}
	return fmt.Sprintf("%.3g", x)
}
