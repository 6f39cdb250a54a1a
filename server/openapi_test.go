package server

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/storage/auth"
)

// TestOpenAPIMatchesRoutes parses the served document and checks that it
// documents every /api/v1 route the router holds, and nothing else.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	w := newWorld(t)
	rec := w.do(request{path: "/api/v1/openapi.json"})
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Servers []struct{ URL string }                `json:"servers"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") || len(doc.Servers) != 1 || doc.Servers[0].URL != "/api/v1" {
		t.Fatalf("openapi %q servers %v: want OpenAPI 3 served at /api/v1", doc.OpenAPI, doc.Servers)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" /api/v1"+p] = true
		}
	}
	param := regexp.MustCompile(`:([a-z_]+)`)
	routed := map[string]bool{}
	for _, r := range w.srv.router.Routes() {
		if strings.HasPrefix(r.Path, "/api/v1/") {
			routed[r.Method+" "+param.ReplaceAllString(r.Path, "{$1}")] = true
		}
	}
	for k := range routed {
		if !documented[k] {
			t.Errorf("route %s is not in openapi.json", k)
		}
	}
	for k := range documented {
		if !routed[k] {
			t.Errorf("openapi.json documents %s, which is not routed", k)
		}
	}
	// Every $ref resolves.
	var whole map[string]any
	json.Unmarshal(rec.Body.Bytes(), &whole)
	comps := whole["components"].(map[string]any)
	for _, m := range regexp.MustCompile(`"\$ref":"#/components/([a-zA-Z]+)/([a-zA-Z]+)"`).FindAllStringSubmatch(rec.Body.String(), -1) {
		sect, _ := comps[m[1]].(map[string]any)
		if _, ok := sect[m[2]]; !ok {
			t.Errorf("$ref %s/%s does not resolve", m[1], m[2])
		}
	}
}

// TestMethodNotAllowed: a known address asked with a method it does not
// take answers 405 with Allow and the one error shape; an unknown
// address still answers 404.
func TestMethodNotAllowed(t *testing.T) {
	w := newWorld(t)
	tok, _ := w.session("practitioner", auth.BearerSession)
	tests := []struct {
		method, path string
		status       int
		allow        string
	}{
		{"DELETE", "/api/v1/residents/1", 405, "GET, PATCH"},
		{"PUT", "/api/v1/due", 405, "GET"},
		{"BREW", "/api/v1/framework", 405, "GET"},
		{"GET", "/api/v1/no-such-thing", 404, ""},
	}
	for _, tt := range tests {
		rec := w.do(request{method: tt.method, path: tt.path, bearer: tok})
		code, _ := apiError(t, rec)
		allow := strings.Split(rec.Header().Get("Allow"), ", ")
		sort.Strings(allow)
		if rec.Code != tt.status || strings.Join(allow, ", ") != tt.allow {
			t.Errorf("%s %s: %d, Allow %q; want %d, Allow %q", tt.method, tt.path, rec.Code, rec.Header().Get("Allow"), tt.status, tt.allow)
		}
		if want := map[int]string{405: codeMethodNotAllowed, 404: ateval.ENOTFOUND}[tt.status]; code != want {
			t.Errorf("%s %s: code %q, want %q", tt.method, tt.path, code, want)
		}
	}
}

// TestErrorCodesDocumented: every error code of the vocabulary (the root
// package's E constants, and the server's own) is in openapi.json's
// error-code enum, so a client generated from the document knows each
// code it can be sent.
func TestErrorCodesDocumented(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas struct {
				Error struct {
					Properties struct {
						Error struct {
							Properties struct {
								Code struct {
									Enum []string `json:"enum"`
								} `json:"code"`
							} `json:"properties"`
						} `json:"error"`
					} `json:"properties"`
				} `json:"Error"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPIJSON, &doc); err != nil {
		t.Fatal(err)
	}
	enum := map[string]bool{}
	for _, c := range doc.Components.Schemas.Error.Properties.Error.Properties.Code.Enum {
		enum[c] = true
	}
	codes := []string{codeMethodNotAllowed}
	files, err := filepath.Glob("../*.go")
	if err != nil {
		t.Fatal(err)
	}
	constant := regexp.MustCompile(`(?m)^\s*(?:const\s+)?E[A-Z]+\s*=\s*"([a-z_]+)"`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range constant.FindAllStringSubmatch(string(b), -1) {
			codes = append(codes, m[1])
		}
	}
	if len(codes) < 9 {
		t.Fatalf("found only the codes %v in the root package", codes)
	}
	for _, c := range codes {
		if !enum[c] {
			t.Errorf("error code %q is not in openapi.json's enum", c)
		}
	}
}
