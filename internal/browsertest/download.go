package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// Download clicks the element matched by the CSS selector (a link, or a
// form's button, whose answer is an attachment), waits for the browser to
// save the file, and returns its name and contents.
func (b *Browser) Download(sel string) (name string, data []byte) {
	b.t.Helper()
	dir := b.t.TempDir()
	err := b.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir})
		return err
	}), chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.fail("download by clicking %s: %v", sel, err)
	}
	deadline := time.Now().Add(Timeout)
	for time.Now().Before(deadline) {
		es, _ := os.ReadDir(dir)
		for _, e := range es {
			if strings.HasSuffix(e.Name(), ".crdownload") || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err == nil {
				return e.Name(), data
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.fail("clicking %s saved no file within %s", sel, Timeout)
	return "", nil
}

// Attr returns an attribute of the first element matched by the CSS
// selector, or "" if it has none.
func (b *Browser) Attr(sel, attr string) string {
	b.t.Helper()
	v, err := run(b, chromedp.Evaluate[string](`(e => e ? (e.getAttribute(`+jsString(attr)+`) || "") : "")(document.querySelector(`+jsString(sel)+`))`))
	if err != nil {
		b.fail("read %s of %s: %v", attr, sel, err)
	}
	return v
}

// ImageShown reports whether the image matched by the CSS selector has
// loaded and has a size: a broken or missing image has none.
func (b *Browser) ImageShown(sel string) bool {
	b.t.Helper()
	ok, err := run(b, chromedp.Evaluate[bool](`(async e => { if (!e) return false; e.loading = "eager"; e.scrollIntoView();
		if (!e.complete) await new Promise(r => { e.onload = e.onerror = r; }); return e.naturalWidth > 0; })(document.querySelector(`+jsString(sel)+`))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		b.fail("look at image %s: %v", sel, err)
	}
	return ok
}
