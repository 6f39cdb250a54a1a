package server

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/forms"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pageData is what every page template receives.
type pageData struct {
	Title string
	Data  any
	// User and CSRF are filled in by render: the signed-in user, for the
	// header, and the token every form posts back.
	User *ateval.User
	CSRF string
	// Nav, Role and Borough are the header's: the user's destinations,
	// their role and their borough's name, if they have one.
	Nav           []navLink
	Role, Borough string
}

// parseTemplates parses each page with the shared layout, once, at start-up.
func parseTemplates() (map[string]*template.Template, error) {
	pages, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{"join": strings.Join, "landing": landing, "add": func(a, b int) int { return a + b },
		"deref":  func(p *float64) float64 { return *p },
		"pounds": func(pence int64) string { return fmt.Sprintf("£%d.%02d", pence/100, pence%100) },
		// timepoint shows a timepoint code (w6) as practitioners say it (6 weeks).
		"timepoint": func(v any) string { return forms.Timepoint(fmt.Sprint(v)).Label() },
		// label shows any code of the domain in words, by its Label method.
		"label": func(v interface{ Label() string }) string { return v.Label() },
		// day and dayShort write a date as people read it: 3 February 2026,
		// or 3 Feb 2026 in a table; "" for a date not recorded.
		"day":      func(d ateval.Date) string { return formatDay(d, "2 January 2006") },
		"dayShort": func(d ateval.Date) string { return formatDay(d, "2 Jan 2006") },
		// nhs writes a stored NHS number as the NHS shows it: 943 476 5919.
		"nhs": devices.FormatNHSNumber,
		// dict makes a map of its key and value pairs, to pass a shared
		// template several values.
		"dict": func(kv ...any) map[string]any {
			m := make(map[string]any, len(kv)/2)
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
	}
	out := map[string]*template.Template{}
	for _, p := range pages {
		name := strings.TrimSuffix(path.Base(p), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		// Files named _*.html hold shared pieces (form fields, the error
		// summary, banners) that any page may use.
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/_*.html", p)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

// render writes a page. It renders into a buffer first so that a template
// error becomes a clean 500, not half a page.
func (s *Server) render(c *gin.Context, status int, name string, data pageData) {
	t, ok := s.templates[name]
	if !ok {
		panic("server: no template " + name)
	}
	if data.User == nil {
		data.User = currentUser(c)
	}
	if sess := currentSession(c); sess != nil && data.CSRF == "" {
		data.CSRF = sess.CSRFToken
	}
	if u := data.User; u != nil {
		data.Nav, data.Role = navFor(u, c.Request.URL.Path), roleLabel(u.Role)
		data.Borough = s.boroughName(c.Request.Context(), u.BoroughID)
	}
	// Pages may hold personal data: no shared cache may keep them.
	c.Header("Cache-Control", "no-store")
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		s.log.Error("render", "template", name, "err", err)
		c.String(http.StatusInternalServerError, "Internal error.")
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

func (s *Server) static() gin.HandlerFunc {
	sub, _ := fs.Sub(staticFS, "static")
	h := http.StripPrefix("/static/", http.FileServer(http.FS(sub)))
	return func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(c.Writer, c.Request)
	}
}

// formatDay writes a date in the layout, or "" when it is not recorded.
func formatDay(d ateval.Date, layout string) string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format(layout)
}
