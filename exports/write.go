package exports

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/forms"
)

// Stats describes a written export, for the audit log.
type Stats struct {
	Rows      int64  `json:"rows"` // data rows, not counting the header
	Residents int    `json:"residents"`
	Bytes     int64  `json:"bytes"`
	SHA256    string `json:"sha256"` // of exactly the bytes written
}

// WriteCSV streams the export to w (the second pass): a header, then the
// rows, residents in pseudonym order, as the source hands over their
// assessments a bounded batch of residents at a time. progress, if not
// nil, is called after each batch with residents done and in all. It
// returns what it wrote and the SHA-256 of it. If it fails part-way, what
// was written is incomplete and must be discarded.
//
// A resident who objected after Prepare is no longer handed over, and so
// not written.
func (p *Plan) WriteCSV(ctx context.Context, w io.Writer, progress func(done, total int64)) (Stats, error) {
	h := sha256.New()
	cw := &countingWriter{w: io.MultiWriter(w, h)}
	out := csv.NewWriter(cw)
	var st Stats
	header := make([]string, len(p.columns))
	for i, c := range p.columns {
		header[i] = c.Name
	}
	if err := out.Write(header); err != nil {
		return st, err
	}
	order := map[forms.Timepoint]int{}
	for i, t := range forms.Timepoints() {
		order[t] = i
	}
	instOrder := map[string]int{}
	for i, in := range p.opt.Framework.Instruments() {
		instOrder[in.ID] = i
	}
	byPseudonym := make(map[string]*entry, len(p.entries))
	for i := range p.entries {
		byPseudonym[p.entries[i].pseudonym] = &p.entries[i]
	}
	row := make([]string, len(p.columns))
	last := ""
	err := p.src.ExportAssessments(ctx, p.opt.Agreement.ID, p.opt.Boroughs, func(batch []Assessments) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		for _, r := range batch {
			if r.Pseudonym <= last {
				return fmt.Errorf("exports: internal error: the source handed over residents out of pseudonym order")
			}
			last = r.Pseudonym
			e := byPseudonym[r.Pseudonym]
			if e == nil {
				continue // removed for disclosure control
			}
			var as []forms.Assessment
			for _, a := range r.Assessments {
				if p.allowed[a.Instrument] && a.Timepoint.Valid() {
					as = append(as, a)
				}
			}
			sort.SliceStable(as, func(a, b int) bool {
				if as[a].Timepoint != as[b].Timepoint {
					return order[as[a].Timepoint] < order[as[b].Timepoint]
				}
				return instOrder[as[a].Instrument] < instOrder[as[b].Instrument]
			})
			if p.opt.Layout == LayoutLong {
				for j := range as {
					p.start(row, e)
					p.fill(row, "", e, &as[j])
					if err := out.Write(row); err != nil {
						return err
					}
					st.Rows++
				}
			} else {
				p.start(row, e)
				for j := range as {
					p.fill(row, as[j].Timepoint, e, &as[j])
				}
				if err := out.Write(row); err != nil {
					return err
				}
				st.Rows++
			}
			st.Residents++
		}
		out.Flush()
		if err := out.Error(); err != nil {
			return err
		}
		if progress != nil {
			progress(int64(st.Residents), int64(len(p.entries)))
		}
		return nil
	})
	if err != nil {
		return st, err
	}
	out.Flush()
	if err := out.Error(); err != nil {
		return st, err
	}
	st.Bytes, st.SHA256 = cw.n, hex.EncodeToString(h.Sum(nil))
	return st, nil
}

// start clears row and writes the resident's own columns.
func (p *Plan) start(row []string, e *entry) {
	clear(row)
	row[0] = e.pseudonym
	copy(row[1:], e.qis)
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// AuditEntry is the audit log's record of the export: its agreement, the
// layout, k, the boroughs, and, given the stats of the file written, its
// rows and SHA-256 (nil before it is written). It names no resident. The
// user and client are filled in from the request's context where it is
// written.
func (p *Plan) AuditEntry(st *Stats) ateval.AuditEntry {
	what := fmt.Sprintf("%s layout, k %d, boroughs %s", p.opt.Layout, p.opt.K, strings.Join(p.opt.Boroughs, ","))
	detail := fmt.Sprintf("started: %s, %d residents, export %d of the ledger", what, len(p.entries), p.release.Sequence)
	if st != nil {
		detail = fmt.Sprintf("%s, %d rows, %d residents, export %d of the ledger, sha256 %s", what, st.Rows, st.Residents, p.release.Sequence, st.SHA256)
	}
	return ateval.AuditEntry{Action: ateval.ActionExport, ObjectType: "agreement", ObjectID: p.opt.Agreement.ID, Detail: detail}
}
