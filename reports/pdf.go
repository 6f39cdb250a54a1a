package reports

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"strings"

	"github.com/go-pdf/fpdf"
)

// The report's typeface: DejaVu Sans (fonts/LICENSE: the Bitstream Vera
// licence, which lets the fonts be copied and embedded with their
// notice), so that τ², ≥, − and – print as themselves. fpdf embeds the
// subset of glyphs the report uses.
var (
	//go:embed fonts/DejaVuSans.ttf
	dejaVuSans []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	dejaVuSansBold []byte
)

const (
	pdfFont    = "DejaVu"
	pageWidth  = 210.0
	pageHeight = 297.0
	margin     = 15.0
	textWidth  = pageWidth - 2*margin
	bottom     = pageHeight - 18 // the last line text may reach
)

// pdfWriter lays a Document out as an A4 PDF: a first page with the
// title block and the summary, a contents page linked to the sections
// (and bookmarks for a viewer's outline), the findings by device
// category, and the rest with real tables.
type pdfWriter struct {
	pdf    *fpdf.Fpdf
	r      *Report
	d      *Document
	links  map[string]int // section id: internal link
	charts map[string]Chart
}

// WritePDF writes the report as an A4 PDF for a meeting.
func (r *Report) WritePDF(w io.Writer) error {
	if err := drawAll(r.shown()); err != nil {
		return err
	}
	d := r.Document()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(pdfFont, "", dejaVuSans)
	pdf.AddUTF8FontFromBytes(pdfFont, "B", dejaVuSansBold)
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, pageHeight-bottom)
	pdf.SetTitle(d.Title, true)
	pdf.SetAuthor("ateval, for the boroughs taking part", true)
	pdf.SetSubject("What works, for whom and at what cost: pooled evidence on assistive technology, under disclosure control", true)
	pdf.SetKeywords("assistive technology, evaluation, meta-analysis, GRADE", true)
	pdf.SetCreator("ateval", true)
	pdf.SetLang("en-GB")
	pdf.SetCreationDate(r.GeneratedAt)
	pdf.SetModificationDate(r.GeneratedAt)
	pdf.AliasNbPages("{nb}")
	pw := &pdfWriter{pdf: pdf, r: r, d: d, links: map[string]int{}, charts: map[string]Chart{}}
	for _, c := range r.Charts {
		pw.charts[c.Name] = c
	}
	for _, e := range d.Contents {
		pw.links[e.ID] = pdf.AddLink()
	}
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont(pdfFont, "", 8)
		pdf.SetTextColor(80, 90, 95)
		pdf.CellFormat(0, 5, fmt.Sprintf("%s · generated %s · page %d of {nb}", d.Title, d.Generated, pdf.PageNo()), "", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pw.firstPage()
	pw.contents()
	pw.findings()
	pw.overTime()
	pw.costs()
	pw.followUp()
	pw.methods()
	if err := pdf.Error(); err != nil {
		return err
	}
	return pdf.Output(w)
}

// section starts a section: a bookmark, the target of its contents link,
// and its heading.
func (p *pdfWriter) section(id, title string, level int) {
	size := 15.0
	if level > 1 {
		size = 12.5
	}
	if p.pdf.GetY()+size+20 > bottom {
		p.pdf.AddPage()
	}
	p.pdf.SetFont(pdfFont, "B", size)
	p.pdf.Bookmark(title, level-1, -1)
	if l, ok := p.links[id]; ok {
		p.pdf.SetLink(l, p.pdf.GetY(), -1)
	}
	p.pdf.MultiCell(0, size*0.5, title, "", "L", false)
	p.pdf.Ln(2)
}

func (p *pdfWriter) heading(size float64, s string) {
	if p.pdf.GetY()+size+12 > bottom {
		p.pdf.AddPage()
	}
	p.pdf.SetFont(pdfFont, "B", size)
	p.pdf.MultiCell(0, size*0.5, s, "", "L", false)
	p.pdf.Ln(1)
}

func (p *pdfWriter) para(size float64, s string) {
	p.pdf.SetFont(pdfFont, "", size)
	p.pdf.MultiCell(0, size*0.48, s, "", "L", false)
	p.pdf.Ln(1.5)
}

func (p *pdfWriter) muted(size float64, s string) {
	p.pdf.SetTextColor(80, 90, 95)
	p.para(size, s)
	p.pdf.SetTextColor(0, 0, 0)
}

// table draws a table with wrapped cells, its header repeated on each
// page; widths are fractions of the text width.
func (p *pdfWriter) table(size float64, widths []float64, header []string, rows [][]string) {
	pdf := p.pdf
	lineH := size * 0.45
	w := make([]float64, len(widths))
	for i, f := range widths {
		w[i] = f * textWidth
	}
	var row func(cells []string, bold bool)
	row = func(cells []string, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		pdf.SetFont(pdfFont, style, size)
		lines := make([][]string, len(cells))
		n := 1
		for i, c := range cells {
			lines[i] = pdf.SplitText(c, w[i]-2)
			n = max(n, len(lines[i]))
		}
		h := float64(n)*lineH + 1.6
		if pdf.GetY()+h > bottom {
			pdf.AddPage()
			if !bold && header != nil {
				row(header, true)
				pdf.SetFont(pdfFont, "", size)
			}
		}
		x0, y0 := pdf.GetX(), pdf.GetY()
		if bold {
			pdf.SetFillColor(243, 242, 241)
			pdf.Rect(x0, y0, textWidth, h, "F")
		}
		x := x0
		for i := range cells {
			for j, l := range lines[i] {
				pdf.Text(x+1, y0+0.8+lineH*float64(j)+lineH*0.78, l)
			}
			x += w[i]
		}
		pdf.SetDrawColor(177, 180, 182)
		pdf.Line(x0, y0+h, x0+textWidth, y0+h)
		pdf.SetXY(x0, y0+h)
	}
	if header != nil {
		row(header, true)
	}
	for _, r := range rows {
		row(r, false)
	}
	pdf.Ln(3)
}

// image places a chart at the given width, on a new page if it does not
// fit.
func (p *pdfWriter) image(name string, width float64) {
	c, ok := p.charts[name]
	if !ok {
		return
	}
	png, err := c.PNG()
	if err != nil {
		p.pdf.SetError(err)
		return
	}
	opt := fpdf.ImageOptions{ImageType: "PNG", ReadDpi: false}
	p.pdf.RegisterImageOptionsReader(c.Name, opt, bytes.NewReader(png))
	info := p.pdf.GetImageInfo(c.Name)
	h := width * info.Height() / info.Width()
	if p.pdf.GetY()+h > bottom {
		p.pdf.AddPage()
	}
	p.pdf.ImageOptions(c.Name, margin, p.pdf.GetY(), width, h, false, opt, 0, "")
	p.pdf.SetY(p.pdf.GetY() + h + 2)
}

// firstPage holds the title block and the summary: what works, for whom,
// at what cost, with what certainty.
func (p *pdfWriter) firstPage() {
	pdf, d := p.pdf, p.d
	pdf.AddPage()
	pdf.SetFont(pdfFont, "B", 18)
	pdf.MultiCell(0, 8, d.Title, "", "L", false)
	pdf.Ln(1)
	pdf.SetTextColor(80, 90, 95)
	pdf.SetFont(pdfFont, "", 8.5)
	meta := []string{"Generated " + d.Generated + "; data as of " + d.AsOf + " (follow-ups judged due as of that day)."}
	meta = append(meta, strings.Join(d.Covers, ". ")+".")
	meta = append(meta, d.Audience)
	for _, m := range meta {
		pdf.MultiCell(0, 3.9, m, "", "L", false)
	}
	for _, n := range d.Widened {
		pdf.MultiCell(0, 3.9, "This report covers more than was asked for. "+n, "", "L", false)
	}
	pdf.SetTextColor(0, 0, 0)
	pdf.SetDrawColor(0, 114, 178)
	pdf.SetLineWidth(0.6)
	pdf.Line(margin, pdf.GetY()+1.5, pageWidth-margin, pdf.GetY()+1.5)
	pdf.SetLineWidth(0.2)
	pdf.Ln(4)
	s := d.Summary
	p.start("summary", "Summary: what works", 1)
	for _, l := range s.Lead {
		p.para(9, l)
	}
	for _, m := range s.Messages {
		x := p.pdf.GetX()
		p.pdf.SetFont(pdfFont, "B", 9)
		p.pdf.CellFormat(4, 4.3, "•", "", 0, "L", false, 0, "")
		p.pdf.SetFont(pdfFont, "", 9)
		p.pdf.MultiCell(textWidth-4, 4.3, m, "", "L", false)
		p.pdf.SetX(x)
	}
	p.pdf.Ln(1.5)
	if len(s.Findings) > 0 {
		var rows [][]string
		for _, f := range s.Findings {
			rows = append(rows, []string{f.Category, f.Question, f.Found, f.Prediction, f.Verdict, f.Certainty})
		}
		p.table(7.5, []float64{0.14, 0.17, 0.27, 0.13, 0.17, 0.12},
			[]string{"Device", "Question", "What we found", "In a new borough", "Does it matter?", "Certainty"}, rows)
		if s.Omitted != "" {
			p.muted(8, s.Omitted)
		}
		p.para(8.5, s.Certainty)
		p.muted(8, s.About)
	}
	if len(s.Costs) > 0 {
		p.heading(10.5, "What it costs")
		var rows [][]string
		for _, c := range s.Costs {
			rows = append(rows, []string{c.Category, c.DeviceCost, c.Net, c.Why})
		}
		p.table(7.5, []float64{0.2, 0.2, 0.3, 0.3}, []string{"Device", "A year's device and monitoring, per resident", "Net saving a year, per resident (95% range)", "Why a figure is missing"}, rows)
		p.muted(8, "A negative net saving means the device costs more than the savings it was seen to bring. See Costs and consequences.")
	}
}

// contents is a page of the sections, each linked to where it starts;
// the page numbers are filled in when the document is written.
func (p *pdfWriter) contents() {
	pdf := p.pdf
	pdf.AddPage()
	p.section("contents", "Contents", 1)
	for i, e := range p.d.Contents {
		size, indent := 10.5, 0.0
		style := "B"
		if e.Level > 1 {
			size, indent, style = 9.5, 6, ""
		}
		pdf.SetFont(pdfFont, style, size)
		if pdf.GetY()+6 > bottom {
			pdf.AddPage()
		}
		y := pdf.GetY()
		pdf.SetX(margin + indent)
		pdf.CellFormat(textWidth-indent-18, 5.6, e.Title, "", 0, "L", false, p.links[e.ID], "")
		pdf.SetX(pageWidth - margin - 16)
		pdf.CellFormat(16, 5.6, fmt.Sprintf("{toc%03d}", i), "", 1, "L", false, p.links[e.ID], "")
		pdf.SetY(y + 5.6)
	}
}

// mark records the page a contents entry starts on.
func (p *pdfWriter) mark(id string) {
	for i, e := range p.d.Contents {
		if e.ID == id {
			p.pdf.RegisterAlias(fmt.Sprintf("{toc%03d}", i), fmt.Sprint(p.pdf.PageNo()))
		}
	}
}

func (p *pdfWriter) start(id, title string, level int) {
	p.section(id, title, level)
	p.mark(id)
}

func (p *pdfWriter) findings() {
	d := p.d
	if len(d.Categories) == 0 {
		return
	}
	p.pdf.AddPage()
	p.start("findings", "Findings by device category", 1)
	p.muted(8.5, "Each kind of device in turn: its primary findings in full, with a forest plot (each borough's estimate and 95% interval, the pooled estimate as a diamond, the prediction interval beneath), then its secondary findings, then its exploratory analyses in a table.")
	for _, c := range d.Categories {
		if p.pdf.GetY() > bottom-80 {
			p.pdf.AddPage()
		}
		p.start(c.ID, c.Title, 2)
		for _, f := range c.Primary {
			p.finding(f, 170)
		}
		for _, f := range c.Secondary {
			p.finding(f, 130)
		}
		if len(c.Exploratory) > 0 {
			p.heading(9.5, fmt.Sprintf("%d exploratory %s, to read with caution", len(c.Exploratory), plural(len(c.Exploratory), "analysis", "analyses")))
			var rows [][]string
			for _, e := range c.Exploratory {
				rows = append(rows, []string{e.Outcome, e.Timepoint, e.Design, e.Estimate, e.Q, e.Certainty})
			}
			p.table(7, []float64{0.24, 0.09, 0.2, 0.27, 0.08, 0.12}, []string{"Outcome", "Follow-up", "Design", "Estimate", "q", "Certainty"}, rows)
		}
	}
}

func (p *pdfWriter) finding(f DocFinding, width float64) {
	if p.pdf.GetY() > bottom-60 {
		p.pdf.AddPage()
	}
	p.heading(10, f.Title+" ("+f.Role+")")
	p.para(9, f.Sentence)
	if f.Withheld != "" {
		p.para(9, "Pooled estimate withheld: "+f.Withheld+".")
	}
	rows := [][]string{{"Pooled estimate", f.Estimate}}
	if f.OneStage != "" {
		rows = append(rows, []string{"One-stage model", f.OneStage})
	}
	rows = append(rows, []string{"In a new borough", f.Prediction + " (prediction interval)"})
	if f.Adjusted != "" {
		rows = append(rows, []string{"Adjusted for the baseline score", f.Adjusted + " (sensitivity analysis)"})
	}
	rows = append(rows, []string{"Certainty", f.Certainty + ". " + f.Basis}, []string{"Between boroughs", f.Heterogeneity})
	p.table(7.5, []float64{0.2, 0.8}, nil, rows)
	if f.Chart != "" {
		p.image(f.Chart, width)
	}
}

func (p *pdfWriter) overTime() {
	d := p.d
	if len(d.Trajectories) > 0 {
		p.pdf.AddPage()
		p.start("over-time", "Outcomes over time", 1)
		p.para(9, "The mean change from baseline at each follow-up of residents given devices and of the comparison group (the share still in use, for device use), with 95% intervals; means of too few residents are gaps.")
		for _, c := range d.Trajectories {
			p.heading(9.5, c.Title)
			p.image(c.Name, 150)
		}
	}
	if len(d.Abandonment) > 0 {
		p.pdf.AddPage()
		p.start("abandonment", "Devices abandoned since issue", 1)
		p.para(9, fmt.Sprintf("Among devices issued at least that long ago, the share removed as abandoned by each follow-up's distance from issue. A device removed for another reason first (moved, died, faulty) is not counted. Counts are rounded; shares of fewer than %d devices are withheld.", p.r.Disclosure.MinValues))
		p.image("abandonment.png", 160)
		var rows [][]string
		for _, a := range d.Abandonment {
			rows = append(rows, []string{a.Category, a.Since, a.Followed, a.Abandoned, a.Share})
		}
		p.table(7.5, []float64{0.36, 0.16, 0.16, 0.16, 0.16}, []string{"Device", "Since issue", "Devices followed", "Abandoned", "Share"}, rows)
	}
}

func (p *pdfWriter) costs() {
	c := p.d.Costs
	p.pdf.AddPage()
	p.start("costs", "Costs and consequences", 1)
	for _, e := range c.Explain {
		p.para(9, e)
	}
	var rows [][]string
	for _, r := range c.Rows {
		note := r.Why
		if r.Basis != "" {
			if note != "" {
				note += ". "
			}
			note += "Savings: " + r.Basis + "."
		}
		rows = append(rows, []string{r.Category, r.Residents, r.DeviceCost, r.CareHours, r.Falls, r.Admissions, r.Net, note})
	}
	p.table(6.8, []float64{0.125, 0.105, 0.11, 0.12, 0.11, 0.11, 0.125, 0.195},
		[]string{"Device", "Residents", "Device and monitoring a year", "Home care saved", "Falls avoided", "Admissions avoided", "Net saving", "Notes"}, rows)
	p.heading(10.5, "Unit costs")
	rows = nil
	for _, u := range c.UnitCosts {
		src := u.Source
		if !u.Verified {
			src += " (not checked against the source: check before quoting)"
		}
		from := u.Uprating
		if from == "" {
			from = u.SourcePrice + " at " + u.PriceYear + " prices. " + u.NotUprated
		}
		rows = append(rows, []string{u.Item, u.Price + " " + u.Unit, from, src})
	}
	p.table(7, []float64{0.18, 0.13, 0.2, 0.49}, []string{"Item", "Price at " + c.PriceYear + " prices", "At the source's prices", "Source"}, rows)
}

func (p *pdfWriter) followUp() {
	d, r := p.d, p.r
	p.pdf.AddPage()
	p.start("follow-up", "Follow-up and data quality", 1)
	p.para(9, fmt.Sprintf("Counts are adjusted slightly and rounded to the nearest %d; percentages of fewer than %d residents are withheld; a borough with fewer than %d residents is combined, unnamed, with other small boroughs. Follow-up covers every device category.",
		r.Disclosure.RoundTo, r.Disclosure.MinValues, r.Disclosure.MinBoroughN))
	p.image("follow-up-completeness.png", textWidth)
	var rows [][]string
	for _, f := range d.FollowUp {
		rows = append(rows, []string{f.Name, f.Group, f.Timepoint, f.Due, f.Recorded, f.NotRecorded, f.Percent})
	}
	p.table(7, []float64{0.27, 0.21, 0.1, 0.09, 0.1, 0.12, 0.11}, []string{"Borough", "Group", "Follow-up", "Due", "Recorded", "Overdue or missed", "Complete"}, rows)
	p.heading(10.5, "Missing items")
	rows = nil
	for _, q := range d.Quality {
		rows = append(rows, []string{q.Instrument, q.Timepoint, q.Recorded, q.Incomplete, q.Share})
	}
	p.table(7.5, []float64{0.34, 0.14, 0.14, 0.24, 0.14}, []string{"Questionnaire", "Follow-up", "Recorded", "Score could not be computed", "Share"}, rows)
}

func (p *pdfWriter) methods() {
	p.pdf.AddPage()
	p.start("methods", "Methods", 1)
	for _, m := range p.d.Methods {
		p.start(m.ID, m.Title, 2)
		for _, para := range m.Paragraphs {
			p.para(8.5, para)
		}
		if len(m.Table) > 1 {
			widths := []float64{0.3, 0.12, 0.58}
			if len(m.Table[0]) == 4 {
				widths = []float64{0.2, 0.14, 0.46, 0.2}
			}
			p.table(7, widths, m.Table[0], m.Table[1:])
		}
	}
}
