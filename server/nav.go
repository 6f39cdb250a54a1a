package server

import (
	"context"
	"strings"

	"github.com/ateval/ateval"
)

// navLink is one destination of the header's navigation.
type navLink struct {
	Href, Label string
	Current     bool
}

// navFor lists where each role's work is, in the order it is done: a
// practitioner's register, a borough lead's register and evidence, a
// commissioner's and an evaluator's evidence, an administrator's users,
// agreements and audit log. path marks the page the user is on.
func navFor(u *ateval.User, path string) []navLink {
	var links []navLink
	switch u.Role {
	case ateval.RolePractitioner:
		links = []navLink{{"/residents", "Residents", false}, {"/due", "Due", false}, {"/devices", "Devices", false}}
	case ateval.RoleBoroughLead:
		links = []navLink{{"/residents", "Residents", false}, {"/due", "Due", false}, {"/reports", "Reports", false},
			{"/reports#follow-up", "Data quality", false}}
	case ateval.RoleCommissioner:
		links = []navLink{{"/reports", "Reports", false}, {"/devices", "Devices", false}}
	case ateval.RoleEvaluator:
		links = []navLink{{"/exports", "Exports", false}, {"/reports", "Reports", false}, {"/devices", "Devices", false}}
	case ateval.RoleAdmin:
		links = []navLink{{"/admin/users", "Users", false}, {"/admin/agreements", "Agreements", false},
			{"/admin/trials", "Randomised trials", false}, {"/admin/audit", "Audit log", false}, {"/devices", "Devices", false}}
	}
	// The destination the path falls under is the current one (a section
	// of a page, such as Data quality, never is); an assessment's or a
	// device issue's page is under Residents.
	cur := -1
	for i, l := range links {
		if !strings.Contains(l.Href, "#") && under(path, l.Href) {
			cur = i
		}
	}
	if cur < 0 && (strings.HasPrefix(path, "/assessments/") || strings.HasPrefix(path, "/device-issues/")) {
		for i, l := range links {
			if l.Href == "/residents" {
				cur = i
			}
		}
	}
	if cur >= 0 {
		links[cur].Current = true
	}
	return links
}

// under reports whether path is the page href or one below it.
func under(path, href string) bool {
	return path == href || strings.HasPrefix(path, href+"/")
}

// roleLabel names a role for people.
func roleLabel(r ateval.Role) string {
	switch r {
	case ateval.RolePractitioner:
		return "Practitioner"
	case ateval.RoleBoroughLead:
		return "Borough lead"
	case ateval.RoleCommissioner:
		return "Commissioner"
	case ateval.RoleEvaluator:
		return "Evaluator"
	case ateval.RoleAdmin:
		return "Administrator"
	}
	return string(r)
}

// boroughName is the name of the borough with the id, or "".
func (s *Server) boroughName(ctx context.Context, id int64) string {
	if id == 0 {
		return ""
	}
	bs, err := s.db.View(ctx).Boroughs()
	if err != nil {
		return ""
	}
	for _, b := range bs {
		if b.ID == id {
			return b.Name
		}
	}
	return ""
}
