package exports

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"sort"

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

// batchResidents is how many residents' assessments are read at once:
// it bounds the memory of the second pass, whatever the export's size.
const batchResidents = 500

// WriteCSV streams the export to w (the second pass): a header, then the
// rows, residents in pseudonym order, reading the assessments of
// batchResidents residents at a time. progress, if not nil, is called
// after each batch with residents done and in all. It returns what it
// wrote and the SHA-256 of it. If it fails part-way, what was written is
// incomplete and must be discarded.
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
	row := make([]string, len(p.columns))
	for start := 0; start < len(p.entries); start += batchResidents {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		batch := p.entries[start:min(start+batchResidents, len(p.entries))]
		ids := make([]int64, len(batch))
		byResident := make(map[int64][]forms.Assessment, len(batch))
		for i, e := range batch {
			ids[i] = e.residentID
		}
		err := p.src.ExportAssessments(ctx, ids, func(a forms.Assessment) error {
			if p.allowed[a.Instrument] && a.Timepoint.Valid() {
				byResident[a.ResidentID] = append(byResident[a.ResidentID], a)
			}
			return nil
		})
		if err != nil {
			return st, err
		}
		for i := range batch {
			e := &batch[i]
			as := byResident[e.residentID]
			sort.Slice(as, func(a, b int) bool {
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
						return st, err
					}
					st.Rows++
				}
			} else {
				p.start(row, e)
				for j := range as {
					p.fill(row, as[j].Timepoint, e, &as[j])
				}
				if err := out.Write(row); err != nil {
					return st, err
				}
				st.Rows++
			}
			st.Residents++
		}
		out.Flush()
		if err := out.Error(); err != nil {
			return st, err
		}
		if progress != nil {
			progress(int64(start+len(batch)), int64(len(p.entries)))
		}
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
// layout, the rows written and the file's SHA-256. The user and client
// are filled in from the request's context where it is written.
func (s Stats) AuditEntry(agreementID int64, layout string) ateval.AuditEntry {
	return ateval.AuditEntry{Action: ateval.ActionExport, ObjectType: "agreement", ObjectID: agreementID,
		Detail: fmt.Sprintf("%s layout, %d rows, %d residents, sha256 %s", layout, s.Rows, s.Residents, s.SHA256)}
}
