// Package browsertest drives the real web application in a real browser:
// Debian's Chromium, headless, through the DevTools protocol (chromedp),
// against a server.Server over a SQLite file on a loopback httptest server.
//
// A test starts a Site (a server with boroughs, devices, residents and a
// user of every role), opens a Browser on it, signs in, and fills, clicks
// and reads pages as a practitioner would, with the keyboard and no
// JavaScript of our own. When the test fails, the Browser saves a
// screenshot of the page it was on and logs where.
//
// Chromium is looked for as ATEVAL_CHROMIUM, then chromium,
// chromium-browser, google-chrome on PATH. Without it the test is skipped,
// except in CI (CI=true), where it fails: a browser test that silently
// does not run proves nothing.
//
// It is for tests only. It may import the standard library, chromedp,
// server, storage, storagetest, importer and sampledata.
package browsertest
