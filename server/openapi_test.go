package server

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
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
