package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Timeout bounds each browser action, so that a test fails with a
// screenshot rather than hanging.
const Timeout = 15 * time.Second

// Browser is one headless Chromium with a fresh profile, on one tab.
type Browser struct {
	t    testing.TB
	site *Site
	ctx  context.Context
	// shots is where screenshots go: $ATEVAL_SCREENSHOTS, or a folder
	// under the system's temporary directory named after the test.
	shots string
}

// FindChromium returns the browser to run, skipping the test when there is
// none, or failing it in CI.
func FindChromium(t testing.TB) string {
	t.Helper()
	candidates := []string{os.Getenv("ATEVAL_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("browsertest: no Chromium found (set ATEVAL_CHROMIUM or install chromium); CI must run the browser tests")
	}
	t.Skip("browsertest: no Chromium found (install Debian's chromium, or set ATEVAL_CHROMIUM); skipping the browser test")
	return ""
}

// NewBrowser starts Chromium headless with a fresh profile, closed when
// the test ends. If the test has failed by then, a screenshot of the last
// page is saved first.
func (s *Site) NewBrowser(t testing.TB) *Browser {
	t.Helper()
	path := FindChromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1100, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	b := &Browser{t: t, site: s, ctx: ctx, shots: os.Getenv("ATEVAL_SCREENSHOTS")}
	if b.shots == "" {
		b.shots = filepath.Join(os.TempDir(), "ateval-browsertest")
	}
	// Start the browser now, on the tab's own context (a timeout context
	// here would close the browser when it ended), so that a broken
	// install fails here, plainly.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		cancel()
		cancelAlloc()
		t.Fatalf("browsertest: start %s: %v", path, err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			b.Screenshot("failure")
		}
		cancel()
		cancelAlloc()
	})
	return b
}

// do runs steps within Timeout.
func (b *Browser) do(steps ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(b.ctx, Timeout)
	defer cancel()
	return chromedp.Do(ctx, steps...)
}

// run runs one action that answers a value, within Timeout.
func run[T any](b *Browser, a chromedp.Action[T]) (T, error) {
	ctx, cancel := context.WithTimeout(b.ctx, Timeout)
	defer cancel()
	return chromedp.Run(ctx, a)
}

// fail saves a screenshot and stops the test.
func (b *Browser) fail(format string, args ...any) {
	b.t.Helper()
	b.Screenshot("failure")
	b.t.Fatalf(format, args...)
}

// Visit opens a path of the site ("/residents").
func (b *Browser) Visit(path string) {
	b.t.Helper()
	if err := b.do(chromedp.Navigate(b.site.URL + path)); err != nil {
		b.fail("visit %s: %v", path, err)
	}
}

// Login signs in through the sign-in page and waits for the landing page.
func (b *Browser) Login(email string) {
	b.t.Helper()
	b.Visit("/login")
	b.Fill("#email", email)
	b.Fill("#password", Password)
	b.Submit("main form button[type=submit]")
	if p := b.Path(); p == "/login" {
		b.fail("sign in as %s: still on the sign-in page: %s", email, b.Text("main"))
	}
}

// Fill clears the field matched by the CSS selector and types value into
// it, key by key, as a person would.
func (b *Browser) Fill(sel, value string) {
	b.t.Helper()
	if err := b.do(chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		b.fail("fill %s: %v", sel, err)
	}
	// chromedp.Clear needs a text child, which an empty textarea lacks.
	cleared, err := run(b, chromedp.Evaluate[bool](`(e => { if (!e) return false; e.value = ""; return true })(document.querySelector(`+jsString(sel)+`))`))
	if err != nil || !cleared {
		b.fail("clear %s: %v", sel, err)
	}
	if err := b.do(chromedp.SendKeys(chromedp.CSS(sel), value)); err != nil {
		b.fail("fill %s: %v", sel, err)
	}
}

// Select chooses the option with the given value in the select matched by
// the CSS selector.
func (b *Browser) Select(sel, value string) {
	b.t.Helper()
	if err := b.do(chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.SetValue(chromedp.CSS(sel), value)); err != nil {
		b.fail("select %s = %s: %v", sel, value, err)
	}
}

// Click clicks the element matched by the CSS selector (a radio, a
// checkbox, a link that opens no new page). Use Submit for anything that
// loads a page.
func (b *Browser) Click(sel string) {
	b.t.Helper()
	if err := b.do(chromedp.Click(chromedp.CSS(sel))); err != nil {
		b.fail("click %s: %v", sel, err)
	}
}

// Submit clicks the element matched by the CSS selector (a button or
// link) and waits until the next page has loaded.
func (b *Browser) Submit(sel string) {
	b.t.Helper()
	if _, err := run(b, chromedp.Evaluate[bool](`window.__browsertestOld = true`)); err != nil {
		b.fail("mark page before clicking %s: %v", sel, err)
	}
	if err := b.do(chromedp.Click(chromedp.CSS(sel))); err != nil {
		b.fail("click %s: %v", sel, err)
	}
	ctx, cancel := context.WithTimeout(b.ctx, Timeout)
	defer cancel()
	for {
		gone, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__browsertestOld !== true && document.readyState === "complete"`))
		if err == nil && gone {
			return
		}
		select {
		case <-ctx.Done():
			b.fail("after clicking %s no new page loaded", sel)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Text returns the visible text of the first element matched by the CSS
// selector, with runs of white space made single spaces.
func (b *Browser) Text(sel string) string {
	b.t.Helper()
	s, err := run(b, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.fail("read %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

// Exists reports whether the CSS selector matches an element now.
func (b *Browser) Exists(sel string) bool {
	b.t.Helper()
	ok, err := run(b, chromedp.Evaluate[bool](`document.querySelector(`+jsString(sel)+`) !== null`))
	if err != nil {
		b.fail("look for %s: %v", sel, err)
	}
	return ok
}

// Focused returns the id of the element that has the keyboard focus.
func (b *Browser) Focused() string {
	b.t.Helper()
	id, err := run(b, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.id : ""`))
	if err != nil {
		b.fail("read focus: %v", err)
	}
	return id
}

// Path returns the path (and query) of the page the browser is on.
func (b *Browser) Path() string {
	b.t.Helper()
	loc, err := run(b, chromedp.Location())
	if err != nil {
		b.fail("location: %v", err)
	}
	return strings.TrimPrefix(loc, b.site.URL)
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// Screenshot saves a PNG of the whole page as TESTNAME-name.png and
// returns its path, logging it. A failure to save is logged, not fatal.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, Timeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("browsertest: screenshot %s: %v", name, err)
		return ""
	}
	return b.save(name, png)
}

// save writes a screenshot as TESTNAME-name.png and returns its path.
func (b *Browser) save(name string, png []byte) string {
	b.t.Helper()
	if err := os.MkdirAll(b.shots, 0o755); err != nil {
		b.t.Logf("browsertest: %v", err)
		return ""
	}
	p := filepath.Join(b.shots, unsafeName.ReplaceAllString(b.t.Name()+"-"+name, "_")+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Logf("browsertest: %v", err)
		return ""
	}
	b.t.Logf("browsertest: screenshot saved to %s", p)
	return p
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "`", "\\`", `$`, `\$`)
	return "`" + r.Replace(s) + "`"
}

// Widths are the page widths Shots looks at: a desktop, a phone, and the
// narrowest screen the pages are made for (WCAG 2.1's reflow at 320 CSS
// pixels), where nothing may scroll sideways.
var Widths = []int64{1280, 390, 320}

// Shots saves a screenshot of the page at 1280 and 390 pixels wide, as
// TESTNAME-name-1280.png and -390.png, and fails the test if at any of
// Widths the page scrolls sideways, naming what sticks out. The browser
// goes back to its own size afterwards.
func (b *Browser) Shots(name string) {
	b.t.Helper()
	defer func() {
		if err := b.do(chromedp.EmulateReset()); err != nil {
			b.t.Logf("browsertest: reset the viewport: %v", err)
		}
	}()
	for _, w := range Widths {
		if err := b.do(chromedp.EmulateViewport(w, 900)); err != nil {
			b.fail("set the width to %d: %v", w, err)
		}
		if w != 320 {
			b.screenshotTop(name+"-"+strconv.FormatInt(w, 10), w)
		}
		wide, err := run(b, chromedp.Evaluate[string](`(() => {
			const w = document.documentElement.clientWidth;
			if (document.documentElement.scrollWidth <= w) return "";
			const out = [];
			for (const e of document.querySelectorAll("body *")) {
				const r = e.getBoundingClientRect();
				if (r.right > w + 1 && r.width > 0) out.push(e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).split(" ").join(".") : "") + " to " + Math.round(r.right));
			}
			return document.documentElement.scrollWidth + " px wide: " + out.slice(0, 8).join(", ");
		})()`))
		if err != nil {
			b.fail("measure the page at %d px: %v", w, err)
		}
		if wide != "" {
			b.Screenshot(name + "-" + strconv.FormatInt(w, 10) + "-sideways")
			b.t.Errorf("%s scrolls sideways at %d px: %s", b.Path(), w, wide)
		}
	}
}

// PrintShot saves a screenshot of the page as its print stylesheet lays
// it out, as TESTNAME-name-print.png, and returns how many A4 pages the
// browser prints it on.
func (b *Browser) PrintShot(name string) int {
	b.t.Helper()
	media := func(m string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
			return err
		})
	}
	if err := b.do(media("print"), chromedp.EmulateViewport(794, 1123)); err != nil {
		b.fail("print media: %v", err)
	}
	b.Screenshot(name + "-print")
	pdf, err := run(b, chromedp.Action[[]byte](func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		res, err := cdp.Call(ctx, t, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69})
		return res.Data, err
	}))
	if err != nil {
		b.fail("print to PDF: %v", err)
	}
	if err := b.do(media(""), chromedp.EmulateReset()); err != nil {
		b.fail("screen media: %v", err)
	}
	return len(pdfPage.FindAll(pdf, -1))
}

// pdfPage matches a page object of a PDF (and not the /Pages tree).
var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// shotHeight bounds a Shots screenshot's height: image viewers and
// ImageMagick's default policy refuse pictures over 16,000 pixels, which a
// long page at 390 px exceeds.
const shotHeight = 8000

// screenshotTop saves the top of the page, at most shotHeight pixels of
// it, as TESTNAME-name.png.
func (b *Browser) screenshotTop(name string, width int64) {
	b.t.Helper()
	h, err := run(b, chromedp.Evaluate[float64](`document.documentElement.scrollHeight`))
	if err != nil {
		b.t.Logf("browsertest: screenshot %s: %v", name, err)
		return
	}
	png, err := run(b, chromedp.Action[[]byte](func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		beyond := true
		res, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{CaptureBeyondViewport: &beyond, Format: page.CaptureScreenshotFormatPng,
			Clip: &page.Viewport{Width: float64(width), Height: min(h, shotHeight), Scale: 1}})
		return res.Data, err
	}))
	if err != nil {
		b.t.Logf("browsertest: screenshot %s: %v", name, err)
		return
	}
	b.save(name, png)
}
