package server

import (
	"bytes"
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/reports"
	"github.com/ateval/ateval/storage/summaries"
)

// evidenceRoutes registers the commissioner's and evaluator's side: the
// evidence report (page, charts, PDF, results.json) and anonymised
// exports under data sharing agreements. the README's access matrix lists who may call
// each; TestAccessMatrix checks it.
func (s *Server) evidenceRoutes(pages, api *gin.RouterGroup) {
	rh := &reportHandlers{s: s, pageWait: 1500 * time.Millisecond,
		cache: newReportCache(s.base, func(ctx context.Context, opt reports.Options) (*reports.Report, error) {
			return reports.Build(ctx, summaries.Of(s.db), opt)
		})}
	s.reports = rh
	readers := s.requireRole(ateval.RoleBoroughLead, ateval.RoleCommissioner, ateval.RoleEvaluator)
	pages.GET("/reports", readers, s.handle(rh.page))
	pages.GET("/reports/report.pdf", readers, s.handle(rh.pdf))
	pages.GET("/reports/results.json", readers, s.handle(rh.json))
	pages.GET("/reports/charts/:name", readers, s.handle(rh.chart))
	api.GET("/reports", readers, s.handle(rh.json))
	s.exportRoutes(pages, api)
}

// reportHandlers serve evidence reports from one cache of builds.
type reportHandlers struct {
	s     *Server
	cache *reportCache
	// pageWait is how long the page waits for a build before showing its
	// progress instead.
	pageWait time.Duration
}

// request parses the filters and returns the build of their report.
func (h *reportHandlers) request(c *gin.Context) (reportQuery, []ateval.Borough, *reportJob, error) {
	known, err := h.s.db.View(c.Request.Context()).Boroughs()
	if err != nil {
		return reportQuery{}, nil, nil, err
	}
	q, opt, err := parseReportQuery(c, known)
	if err != nil {
		return q, known, nil, err
	}
	opt.AsOf = ateval.DateOf(h.cache.now())
	opt.BoroughNames = map[string]string{}
	for _, b := range known {
		opt.Boroughs = append(opt.Boroughs, b.Slug)
		opt.BoroughNames[b.Slug] = b.Name
	}
	if opt.Trials, err = h.s.db.RandomisedTrials(c.Request.Context()); err != nil {
		return q, known, nil, err
	}
	var user int64
	if u := currentUser(c); u != nil {
		user = u.ID
	}
	j, err := h.cache.job(cacheKey(opt.Filter, opt.Outcomes, opt.AsOf, opt.Trials), opt, user)
	return q, known, j, err
}

// built waits for the report for as long as the request lasts.
func (h *reportHandlers) built(c *gin.Context) (*reports.Report, reportQuery, error) {
	q, _, j, err := h.request(c)
	if err != nil {
		return nil, q, err
	}
	if !j.wait(c.Request.Context(), h.cache.timeout) {
		return nil, q, ateval.Errorf(ateval.EINTERNAL, "report build did not finish: %v", c.Request.Context().Err())
	}
	r, err := j.result()
	return r, q, err
}

// page shows the report for the filters, or its progress while it is
// built; invalid filters are named in an error summary over the form.
func (h *reportHandlers) page(c *gin.Context) error {
	q, known, j, err := h.request(c)
	v := reportView{Query: q, QS: q.encode(), User: currentUser(c)}
	v.fillChoices(known)
	status := http.StatusOK
	title := "Evidence report"
	switch {
	case err != nil && ateval.ErrorCode(err) == ateval.EINVALID:
		v.Errors = ateval.ErrorFields(err)
		status, title = statusOf(ateval.EINVALID), "Error: "+title
	case err != nil:
		return err
	case !j.wait(c.Request.Context(), h.pageWait):
		p := j.progress(h.cache.now())
		v.Building = &p
		c.Header("Refresh", "2")
	default:
		r, err := j.result()
		if err != nil {
			return err
		}
		v.fillReport(r, known)
	}
	h.s.render(c, status, "reports", pageData{Title: title, Data: v})
	return nil
}

// pdf sends the report as a PDF download.
func (h *reportHandlers) pdf(c *gin.Context) error {
	r, _, err := h.built(c)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := r.WritePDF(&b); err != nil {
		return err
	}
	c.Header("Content-Disposition", `attachment; filename="ateval-evidence-report.pdf"`)
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "application/pdf", b.Bytes())
	return nil
}

// json sends results.json: every number of the report.
func (h *reportHandlers) json(c *gin.Context) error {
	r, _, err := h.built(c)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		return err
	}
	if !wantsJSON(c) || c.Query("download") != "" {
		c.Header("Content-Disposition", `attachment; filename="results.json"`)
	}
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "application/json", b.Bytes())
	return nil
}

var errNoChart = ateval.Errorf(ateval.ENOTFOUND, "The report has no chart of that name.")

// chart sends one of the report's charts as a PNG; a borough lead's with
// their own borough highlighted, when the page asks for it.
func (h *reportHandlers) chart(c *gin.Context) error {
	r, _, err := h.built(c)
	if err != nil {
		return err
	}
	own := ""
	if u := currentUser(c); u != nil && u.BoroughID != 0 && c.Query("highlight") != "" {
		known, err := h.s.db.View(c.Request.Context()).Boroughs()
		if err != nil {
			return err
		}
		for _, b := range known {
			if b.ID == u.BoroughID && b.Slug == c.Query("highlight") {
				own = b.Slug
			}
		}
	}
	for _, ch := range r.Charts {
		if ch.Name == c.Param("name") {
			png, err := ch.Highlighting(own).PNG() // drawn on the first request for it
			if err != nil {
				return err
			}
			c.Header("Cache-Control", "private, max-age=600")
			c.Data(http.StatusOK, "image/png", png)
			return nil
		}
	}
	return errNoChart
}
