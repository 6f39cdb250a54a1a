package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/hub"
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
// audit log, in words.
func auditActions() []option {
	var out []option
	for _, a := range ateval.AuditActions() {
		out = append(out, option{Value: a, Label: ateval.ActionLabel(a)})
	}
	// The hub's actions, which storage names itself.
	out = append(out, option{Value: hub.ActionTrustKey, Label: "Trust a borough's key"},
		option{Value: hub.ActionImportBundle, Label: "Import a borough's evidence bundle"})
	return out
}

// auditEntry is one row of the viewer, with names where the log keeps
// ids: the borough's name, a user's email, an agreement's name. Residents,
// assessments and device issues stay ids: the log holds nothing that
// identifies a resident, and an administrator reads no resident's record.
type auditEntry struct {
	ateval.AuditEntry
	Action, What, Borough, Detail string
}

// auditNames are the names the viewer puts for ids.
type auditNames struct {
	boroughs, users, agreements map[int64]string
}

func (s *Server) auditNames(c *gin.Context) (auditNames, error) {
	n := auditNames{boroughs: map[int64]string{}, users: map[int64]string{}, agreements: map[int64]string{}}
	bs, err := s.db.View(c.Request.Context()).Boroughs()
	if err != nil {
		return n, err
	}
	for _, b := range bs {
		n.boroughs[b.ID] = b.Name
	}
	accounts, err := s.auth.Accounts(c.Request.Context())
	if err != nil {
		return n, err
	}
	for _, a := range accounts {
		n.users[a.ID] = a.Email
	}
	as, err := s.db.Agreements(c.Request.Context())
	if err != nil {
		return n, err
	}
	for _, a := range as {
		n.agreements[a.ID] = a.Name
	}
	return n, nil
}

var userInDetail = regexp.MustCompile(`^user (\d+)$`)

func (n auditNames) entry(e ateval.AuditEntry) auditEntry {
	v := auditEntry{AuditEntry: e, Action: ateval.ActionLabel(e.Action), Borough: n.boroughs[e.BoroughID], Detail: e.Detail}
	if e.BoroughID != 0 && v.Borough == "" {
		v.Borough = "borough " + strconv.FormatInt(e.BoroughID, 10)
	}
	id := strconv.FormatInt(e.ObjectID, 10)
	switch e.ObjectType {
	case "":
	case "user":
		v.What = "User " + id
		if email := n.users[e.ObjectID]; email != "" {
			v.What = "User " + email
		}
	case "agreement":
		v.What = "Agreement " + id
		if name := n.agreements[e.ObjectID]; name != "" {
			v.What = "Agreement “" + name + "”"
		}
	case "device_issue":
		v.What = "Device issue " + id
	default:
		v.What = upperFirst(strings.ReplaceAll(e.ObjectType, "_", " ")) + " " + id
	}
	if m := userInDetail.FindStringSubmatch(e.Detail); m != nil {
		uid, _ := strconv.ParseInt(m[1], 10, 64)
		if email := n.users[uid]; email != "" {
			v.Detail = "user " + email
		}
	}
	return v
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
		names, err := s.auditNames(c)
		if err != nil {
			return err
		}
		entries := make([]auditEntry, len(es))
		for i, e := range es {
			entries[i] = names.entry(e)
		}
		data["Entries"], data["Total"] = entries, total
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
