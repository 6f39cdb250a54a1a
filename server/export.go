package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/exports"
	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage"
)

// exportRoutes registers anonymised exports for evaluators and the
// register of agreements for administrators.
func (s *Server) exportRoutes(pages, api *gin.RouterGroup) {
	evaluator := s.requireRole(ateval.RoleEvaluator)
	pages.GET("/exports", evaluator, s.handle(s.exportsPage))
	pages.POST("/exports", evaluator, s.handle(s.exportForm))
	pages.GET("/exports/codebook", evaluator, s.handle(s.exportCodebook))
	pages.GET("/exports/disclosure", evaluator, s.handle(s.exportDisclosure))
	admin := s.requireRole(ateval.RoleAdmin)
	pages.GET("/admin/agreements", admin, s.handle(s.agreementsPage))
	pages.POST("/admin/agreements/:id/evaluators", admin, s.handle(s.nameEvaluators))
	api.GET("/agreements", s.requireRole(ateval.RoleEvaluator, ateval.RoleAdmin), s.handle(s.apiAgreements))
	api.POST("/exports", evaluator, s.handle(s.apiExport))
}

// exportRequest is what an evaluator asks for: an agreement, a layout and
// k (0: the agreement's minimum). The fields are named as the form and the
// API's JSON name them.
type exportRequest struct {
	Agreement int64  `json:"agreement"`
	Layout    string `json:"layout"`
	K         int    `json:"k"`
}

// exportRequestOf reads the request from a form or a query string.
func exportRequestOf(get func(string) string) (exportRequest, error) {
	r := exportRequest{Layout: get("layout")}
	var errs []ateval.FieldError
	if id, err := strconv.ParseInt(get("agreement"), 10, 64); err != nil || id <= 0 {
		errs = append(errs, ateval.FieldError{Field: "agreement", Message: "Choose the data sharing agreement to export under"})
	} else {
		r.Agreement = id
	}
	if k := get("k"); k != "" {
		// Below the agreement's minimum, Prepare refuses, naming it.
		n, err := strconv.Atoi(k)
		if err != nil || n < 1 || n > exports.MaxK {
			errs = append(errs, ateval.FieldError{Field: "k", Message: fmt.Sprintf("k must be a whole number, at least the agreement's minimum and at most %d", exports.MaxK)})
		}
		r.K = n
	}
	if r.Layout != "" && r.Layout != exports.LayoutLong && r.Layout != exports.LayoutWide {
		errs = append(errs, ateval.FieldError{Field: "layout", Message: "Choose long or wide"})
	}
	if len(errs) > 0 {
		return r, ateval.Invalid("The export request is not valid.", errs)
	}
	return r, nil
}

// prepareExport reads the agreement, which storage gives an evaluator
// only if they are named on it, and makes the export's first pass, which
// refuses an agreement out of force; storage checks both again as it
// hands over each resident. A refusal is audited.
func (s *Server) prepareExport(ctx context.Context, r exportRequest) (*exports.Plan, exports.Agreement, error) {
	a, err := s.db.Agreement(ctx, r.Agreement)
	if err != nil {
		return nil, a, s.db.ExportRefused(ctx, r.Agreement, err)
	}
	names, err := boroughSlugNames(s.db.View(ctx))
	if err != nil {
		return nil, a, err
	}
	plan, err := exports.Prepare(ctx, s.db, exports.Options{Agreement: &a, Layout: r.Layout, K: r.K,
		Framework: forms.Default(), Today: s.db.View(ctx).Today(), BoroughNames: names})
	if err != nil {
		return nil, a, s.db.ExportRefused(ctx, a.ID, err)
	}
	return plan, a, nil
}

// streamExport records the export (what it releases, checked by the next
// export under any agreement, and its audit entry) before the first byte
// leaves, so that no export goes unrecorded; then writes the CSV as a
// download, and audits it again with its rows and SHA-256 when whole.
func (s *Server) streamExport(c *gin.Context, plan *exports.Plan, a exports.Agreement) error {
	ctx := c.Request.Context()
	if err := s.db.RecordExport(ctx, plan.Release(), plan.AuditEntry(nil)); err != nil {
		return s.db.ExportRefused(ctx, a.ID, err)
	}
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="ateval-agreement-%d-%s.csv"`, a.ID, plan.Codebook().Layout))
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusOK)
	st, err := plan.WriteCSV(ctx, c.Writer, nil)
	if err != nil {
		// Headers are gone: the download is cut short, and the log says so.
		s.log.Error("export failed part-way", "agreement", a.ID, "rows", st.Rows, "err", err)
		return nil
	}
	if err := s.db.Audit(ctx, plan.AuditEntry(&st)); err != nil {
		s.log.Error("export written but its completion not audited", "agreement", a.ID, "err", err)
	}
	return nil
}

// exportForm streams the CSV the form asks for, or shows the form again
// with the refusal: not named on the agreement, expired, too few
// residents.
func (s *Server) exportForm(c *gin.Context) error {
	r, err := exportRequestOf(c.PostForm)
	var plan *exports.Plan
	var a exports.Agreement
	if err == nil {
		plan, a, err = s.prepareExport(c.Request.Context(), r)
	}
	if err != nil {
		return s.renderExports(c, r, err)
	}
	return s.streamExport(c, plan, a)
}

// apiExport is the API's export: a JSON body {"agreement","layout","k"}
// answered with the CSV.
func (s *Server) apiExport(c *gin.Context) error {
	var r exportRequest
	if err := decodeJSON(c, &r); err != nil {
		return err
	}
	q := map[string]string{"agreement": strconv.FormatInt(r.Agreement, 10), "layout": r.Layout}
	if r.K != 0 {
		q["k"] = strconv.Itoa(r.K)
	}
	r, err := exportRequestOf(func(k string) string { return q[k] })
	if err != nil {
		return err
	}
	plan, a, err := s.prepareExport(c.Request.Context(), r)
	if err != nil {
		return err
	}
	return s.streamExport(c, plan, a)
}

// exportCodebook sends the codebook of the export the query describes,
// as JSON (format=json), as R, Stata or SPSS syntax that reads the CSV
// (format=r, stata or spss), or as readable text.
func (s *Server) exportCodebook(c *gin.Context) error {
	r, err := exportRequestOf(c.Query)
	if err != nil {
		return err
	}
	plan, a, err := s.prepareExport(c.Request.Context(), r)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	base := fmt.Sprintf("ateval-agreement-%d-%s", a.ID, plan.Codebook().Layout)
	cb := plan.Codebook()
	if c.Query("format") == "json" {
		if err := s.auditExportFile(c, plan, "codebook as JSON"); err != nil {
			return err
		}
		c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.codebook.json"`, base))
		c.Header("Content-Type", "application/json")
		return cb.WriteJSON(c.Writer)
	}
	// The R, Stata and SPSS syntax that reads the CSV the same request
	// downloads (named as its Content-Disposition names it).
	if write, ext, ok := syntaxWriter(cb, c.Query("format")); ok {
		if err := s.auditExportFile(c, plan, c.Query("format")+" syntax"); err != nil {
			return err
		}
		c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s%s"`, base, ext))
		c.Header("Content-Type", "text/plain; charset=utf-8")
		return write(c.Writer, base+".csv")
	}
	if err := s.auditExportFile(c, plan, "codebook"); err != nil {
		return err
	}
	c.Header("Content-Type", "text/markdown; charset=utf-8")
	return plan.Codebook().WriteText(c.Writer)
}

// auditExportFile records, before a byte of it is sent, that the acting
// user downloaded a file describing an export (its kind, the agreement,
// layout and k), as the export itself is recorded: what an evaluator
// learned of the data under an agreement is in the log. A file that
// cannot be recorded is not sent.
func (s *Server) auditExportFile(c *gin.Context, plan *exports.Plan, kind string) error {
	cb := plan.Codebook()
	return s.db.Audit(c.Request.Context(), ateval.AuditEntry{Action: ateval.ActionExportCodebook, ObjectType: "agreement",
		ObjectID: cb.Agreement.ID, Detail: fmt.Sprintf("%s, %s layout, k %d", kind, cb.Layout, cb.Disclosure.K)})
}

// syntaxWriter is the codebook's syntax writer for a format: r, stata or
// spss, with its file extension.
func syntaxWriter(cb *exports.Codebook, format string) (func(io.Writer, string) error, string, bool) {
	switch format {
	case "r":
		return cb.WriteR, ".R", true
	case "stata":
		return cb.WriteStata, ".do", true
	case "spss":
		return cb.WriteSPSS, ".sps", true
	}
	return nil, "", false
}

// exportDisclosure sends the disclosure report: the generalisation and
// suppression made, and the re-identification risk left.
func (s *Server) exportDisclosure(c *gin.Context) error {
	r, err := exportRequestOf(c.Query)
	if err != nil {
		return err
	}
	plan, _, err := s.prepareExport(c.Request.Context(), r)
	if err != nil {
		return err
	}
	if err := s.auditExportFile(c, plan, "disclosure report"); err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Type", "text/markdown; charset=utf-8")
	d := plan.Disclosure()
	return d.WriteText(c.Writer)
}

// boroughSlugNames names each borough by its slug, for an export's
// codebook: "kingston-upon-thames" is "Kingston upon Thames".
func boroughSlugNames(v *storage.Tx) (map[string]string, error) {
	bs, err := v.Boroughs()
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(bs))
	for _, b := range bs {
		names[b.Slug] = b.Name
	}
	return names, nil
}
