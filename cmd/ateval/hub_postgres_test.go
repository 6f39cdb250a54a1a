package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/federation"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/hub"
	"github.com/ateval/ateval/storage/storagetest"
)

// TestHubTwoServersPostgres runs a hub as the central deployment runs:
// two `ateval serve` processes on one PostgreSQL database. Four boroughs'
// bundles are each posted to both servers at the same moment, all at
// once: each is imported exactly once (201 from one server, 409 from the
// other), once in the audit log, with all its cells; then Camden's next
// bundle and its first again, to both: the next imports once and the old
// one is refused as a replay. Both servers' hub pages list the same
// bundles.
func TestHubTwoServersPostgres(t *testing.T) {
	pg := os.Getenv(storagetest.EnvPostgres)
	if pg == "" || testing.Short() {
		t.Skip("needs " + storagetest.EnvPostgres)
	}
	dsn := storagetest.NewPostgresDatabase(t, pg)
	const email, password = "admin@hub.example", "a long hub password"
	if code, _, errs := runCLIStdin(t, password+"\n", "user", "add", "--db", dsn, "--email", email, "--role", "admin"); code != 0 {
		t.Fatalf("user add: %s", errs)
	}
	sample := sampleDB(t)
	dir := t.TempDir()
	boroughs := []string{"brent", "camden", "croydon", "sutton"}
	first := map[string][]byte{}
	var camdenKey string
	for _, b := range boroughs {
		key := keygen(t, dir, b+".key")
		if b == "camden" {
			camdenKey = key
		}
		data, err := os.ReadFile(share(t, sample, key, b, filepath.Join(dir, b+"-1.json")))
		if err != nil {
			t.Fatal(err)
		}
		first[b] = data
		if code, _, stderr := runCLI(t, "hub", "trust", "--db", dsn, "--borough", b, "--public-key", key+".pub"); code != 0 {
			t.Fatalf("hub trust %s: %s", b, stderr)
		}
	}
	bin := buildBinary(t)
	_, a := startServer(t, bin, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	_, b := startServer(t, bin, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	servers := []string{a, b}

	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	resp, err := http.Post(a+"api/v1/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var login struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&login)
	resp.Body.Close()
	if login.Token == "" {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	post := func(base string, bundle []byte) (int, string) {
		req, _ := http.NewRequest("POST", base+"api/v1/federation/bundles", bytes.NewReader(bundle))
		req.Header.Set("Authorization", "Bearer "+login.Token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return 0, ""
		}
		defer resp.Body.Close()
		text, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(text)
	}
	// race posts every bundle to both servers at once and returns, per
	// bundle, the two answers.
	race := func(bundles map[string][]byte) map[string][]int {
		var mu sync.Mutex
		got := map[string][]int{}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for name, data := range bundles {
			for _, s := range servers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					code, text := post(s, data)
					if code != http.StatusCreated && code != http.StatusConflict {
						t.Errorf("%s to %s: %d %s", name, s, code, text)
					}
					mu.Lock()
					got[name] = append(got[name], code)
					if code == http.StatusConflict {
						t.Logf("%s to %s: refused: %s", name, s, strings.TrimSpace(text))
					}
					mu.Unlock()
				}()
			}
		}
		close(start)
		wg.Wait()
		return got
	}
	once := func(got map[string][]int, name string) {
		created := 0
		for _, c := range got[name] {
			if c == http.StatusCreated {
				created++
			}
		}
		if created != 1 || len(got[name]) != 2 {
			t.Errorf("%s posted to both servers at once: answers %v, want one 201 and one 409", name, got[name])
		}
	}
	got := race(first)
	for _, bname := range boroughs {
		once(got, bname)
	}

	// Camden's next bundle, and its first again, to both servers at once.
	next, err := os.ReadFile(share(t, sample, camdenKey, "camden", filepath.Join(dir, "camden-2.json")))
	if err != nil {
		t.Fatal(err)
	}
	got = race(map[string][]byte{"camden-2": next, "camden-1 again": first["camden"]})
	once(got, "camden-2")
	if g := got["camden-1 again"]; len(g) != 2 || g[0] != http.StatusConflict || g[1] != http.StatusConflict {
		t.Errorf("Camden's first bundle sent again: %v, want refused by both", g)
	}

	db := storagetest.Open(t, dsn)
	sys := ateval.SystemContext(context.Background())
	_, imports, err := db.AuditLog(sys, storage.AuditFilter{Action: hub.ActionImportBundle})
	if err != nil {
		t.Fatal(err)
	}
	if imports != 5 {
		t.Errorf("%d imports audited, want 5 (four first bundles and Camden's second)", imports)
	}
	latest, err := hub.Of(db).LatestBundles(sys)
	if err != nil {
		t.Fatal(err)
	}
	if len(latest) != len(boroughs) {
		t.Fatalf("the hub holds %d boroughs' bundles, want %d", len(latest), len(boroughs))
	}
	for _, l := range latest {
		data := first[l.Borough]
		want := int64(1)
		if l.Borough == "camden" {
			data, want = next, 2
		}
		bundle, err := federation.Parse(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		cells := 0
		for _, s := range bundle.Statistics {
			cells += len(s.Cells)
		}
		if l.Sequence != want || l.Cells != cells {
			t.Errorf("%s: bundle %d with %d cells at the hub, want bundle %d with its %d cells", l.Borough, l.Sequence, l.Cells, want, cells)
		}
	}
	// Both servers' hub pages show the same bundles.
	var pages []string
	for _, s := range servers {
		pages = append(pages, hubPage(t, s, email, password))
	}
	row := regexp.MustCompile(`<td class="app-table__cell">([A-Za-z -]+)</td>\s*<td class="app-table__cell">(\d+)</td>`)
	for i, p := range pages {
		rows := row.FindAllStringSubmatch(p, -1)
		var seen []string
		for _, r := range rows {
			seen = append(seen, r[1]+" "+r[2])
		}
		if strings.Join(seen, ", ") != "Brent 1, Camden 2, Croydon 1, Sutton 1" {
			t.Errorf("hub page of server %d lists %v, want Brent 1, Camden 2, Croydon 1, Sutton 1", i+1, seen)
		}
	}
}

// hubPage signs in to a server's pages and returns its hub page.
func hubPage(t *testing.T, base, email, password string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(base + "login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the sign-in page")
	}
	resp, err = c.PostForm(base+"login", url.Values{"csrf_token": {string(m[1])}, "email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = c.Get(base + "admin/hub")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /admin/hub: %d", resp.StatusCode)
	}
	return string(text)
}
