package browsertest

import (
	"context"
	"os"
	"path/filepath"

	"github.com/chromedp/chromedp"
)

// Top returns how far down the page, in CSS pixels, the first element
// matched by the CSS selector starts; -1 if there is none.
func (b *Browser) Top(sel string) float64 {
	b.t.Helper()
	v, err := run(b, chromedp.Evaluate[float64](`(e => e ? e.getBoundingClientRect().top + window.scrollY : -1)(document.querySelector(`+jsString(sel)+`))`))
	if err != nil {
		b.fail("find where %s is: %v", sel, err)
	}
	return v
}

// ViewportHeight returns the height of the window's first screen.
func (b *Browser) ViewportHeight() float64 {
	b.t.Helper()
	v, err := run(b, chromedp.Evaluate[float64](`window.innerHeight`))
	if err != nil {
		b.fail("read the window's height: %v", err)
	}
	return v
}

// ReaderText returns what a reader of the page sees or hears: the text of
// its main content, folded parts included, and every image's alt text.
func (b *Browser) ReaderText() string {
	b.t.Helper()
	v, err := run(b, chromedp.Evaluate[string](`(document.querySelector("main") || document.body).textContent + "\n" +
		Array.from(document.querySelectorAll("img")).map(i => i.alt).join("\n")`))
	if err != nil {
		b.fail("read the page's text: %v", err)
	}
	return v
}

// ScreenshotFirstScreen saves what the first screen shows, from the top of
// the page, and returns the file's path.
func (b *Browser) ScreenshotFirstScreen(name string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, Timeout)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.scrollTo(0, 0), true`))
	var png []byte
	if err == nil {
		png, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
	}
	if err != nil {
		b.t.Logf("browsertest: screenshot %s: %v", name, err)
		return ""
	}
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
