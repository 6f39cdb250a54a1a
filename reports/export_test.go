package reports

import "fmt"

// TextCollisions lays a chart out again and returns, in words, every
// pair of its texts that overlap and every text that leaves the image.
func TextCollisions(c Chart) ([]string, error) {
	if c.plot == nil {
		return nil, fmt.Errorf("%s is not laid out on a canvas", c.Name)
	}
	cv, err := paint(boxesPNG, c.plot)
	if err != nil {
		return nil, err
	}
	var out []string
	for i, a := range cv.texts {
		if a.x0 < 0 || a.y0 < 0 || a.x1 > cv.w || a.y1 > cv.h {
			out = append(out, fmt.Sprintf("%q at (%d,%d)-(%d,%d) leaves the %d×%d image", a.s, a.x0, a.y0, a.x1, a.y1, cv.w, cv.h))
		}
		for _, b := range cv.texts[i+1:] {
			if a.overlaps(b) {
				out = append(out, fmt.Sprintf("%q overlaps %q", a.s, b.s))
			}
		}
	}
	return out, nil
}
