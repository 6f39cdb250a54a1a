package server

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
)

// auditFilter reads the audit log's filters from the query string. A
// malformed date is a mistake worth naming, not a filter to ignore.
func auditFilter(c *gin.Context) (storage.AuditFilter, error) {
	f := storage.AuditFilter{UserEmail: c.Query("user"), Action: c.Query("action")}
	f.Limit, _ = strconv.Atoi(c.Query("limit"))
	f.Offset, _ = strconv.Atoi(c.Query("offset"))
	var errs []ateval.FieldError
	var err error
	if f.From, err = ateval.ParseDate(c.Query("from")); err != nil {
		errs = append(errs, ateval.FieldError{Field: "from", Message: "must be a date such as 2026-11-23"})
	}
	if f.To, err = ateval.ParseDate(c.Query("to")); err != nil {
		errs = append(errs, ateval.FieldError{Field: "to", Message: "must be a date such as 2026-11-23"})
	}
	if len(errs) > 0 {
		return f, ateval.Invalid("The filters are not valid.", errs)
	}
	return f, nil
}

type auditList struct {
	Entries []ateval.AuditEntry `json:"entries"`
	Total   int64               `json:"total"`
}

// apiAudit answers audit log entries, newest first.
func (s *Server) apiAudit(c *gin.Context) error {
	f, err := auditFilter(c)
	if err != nil {
		return err
	}
	es, total, err := s.db.AuditLog(c.Request.Context(), f)
	if err != nil {
		return err
	}
	if es == nil {
		es = []ateval.AuditEntry{}
	}
	c.JSON(http.StatusOK, auditList{Entries: es, Total: total})
	return nil
}

// auditActions lists the actions the filter offers: every action of the
// root package, and the two of the agreements' register that storage
// names itself.
func auditActions() []string {
	return append(ateval.AuditActions(), storage.ActionCreateAgreement, storage.ActionAddAgreementMember, storage.ActionTrustKey, storage.ActionImportBundle)
}

// auditPage is the administrator's audit log viewer. Invalid filters are
// shown with an error summary linking to the field, over an empty table.
func (s *Server) auditPage(c *gin.Context) error {
	data := gin.H{"Actions": auditActions(), "User": c.Query("user"), "Action": c.Query("action"), "From": c.Query("from"), "To": c.Query("to")}
	f, err := auditFilter(c)
	status := http.StatusOK
	title := "Audit log"
	if err != nil {
		data["Errors"] = ateval.ErrorFields(err)
		status = statusOf(ateval.ErrorCode(err))
		title = "Error: " + title
	} else {
		es, total, err := s.db.AuditLog(c.Request.Context(), f)
		if err != nil {
			return err
		}
		data["Entries"], data["Total"] = es, total
		limit := f.Limit
		if limit <= 0 || limit > 1000 {
			limit = 100
		}
		if next := max(f.Offset, 0) + limit; int64(next) < total {
			q := c.Request.URL.Query()
			q.Set("offset", strconv.Itoa(next))
			data["Next"] = "/admin/audit?" + q.Encode()
		}
	}
	s.render(c, status, "audit", pageData{Title: title, Data: data})
	return nil
}

func urlQuery(s string) string { return url.QueryEscape(s) }
