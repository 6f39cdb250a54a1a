package reports

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io"
	"slices"
	"sync"
)

// encodePNG writes m as a PNG: 8-bit RGB, no row filters, deflated at
// BestSpeed. image/png tries all five row filters on every row, which on
// a chart took longer than deflating it, and gains nothing: a chart is
// flat colour and straight lines, which deflate finds as repeats
// unfiltered, so the files are smaller too (the committed sample's forest
// plots: 5.2 MB against 5.9 MB from image/png at BestSpeed and 5.7 MB at
// its default, in a quarter of the time). An image with any transparency,
// which go-chart does not draw, is left to image/png: what was written of
// it is taken back from w.
//
// A chart with at most 256 colours, which is most of them (flat fills,
// lines and anti-aliased text in a few colours), is written with a
// palette instead, by image/png: a byte a pixel rather than three for
// deflate to read.
// At a million assessments that halved the report's charts, its page and
// its PDF (59 MB of charts to 30 MB), and its deflating (4.3 s of CPU to
// 2.2 s), though counting the colours takes back most of that time.
func encodePNG(w *bytes.Buffer, m *image.RGBA) error {
	if ok, err := encodePalettedPNG(w, m); ok || err != nil {
		return err
	}
	start := w.Len()
	pw := &pngWriter{w: w}
	b := m.Bounds()
	pw.write([]byte("\x89PNG\r\n\x1a\n"))
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(b.Dx()))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(b.Dy()))
	ihdr[8], ihdr[9] = 8, 2 // bit depth, colour type RGB; deflate, filter method 0, not interlaced
	pw.chunk("IHDR", ihdr[:])
	idat := bufio.NewWriterSize(idatWriter{pw}, 1<<15)
	zw, _ := zlibWriters.Get().(*zlib.Writer)
	if zw == nil {
		var err error
		if zw, err = zlib.NewWriterLevel(idat, zlib.BestSpeed); err != nil {
			return err
		}
	} else {
		zw.Reset(idat)
	}
	defer zlibWriters.Put(zw)
	row := make([]byte, 1+3*b.Dx()) // filter type 0 (none), then RGB
	for y := b.Min.Y; y < b.Max.Y; y++ {
		pix := m.Pix[m.PixOffset(b.Min.X, y):]
		opaque := byte(255)
		for x, j := 0, 1; j < len(row); x, j = x+4, j+3 {
			row[j], row[j+1], row[j+2] = pix[x], pix[x+1], pix[x+2]
			opaque &= pix[x+3]
		}
		if opaque != 255 {
			w.Truncate(start)
			return (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(w, m)
		}
		if _, err := zw.Write(row); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := idat.Flush(); err != nil {
		return err
	}
	pw.chunk("IEND", nil)
	return pw.err
}

// encodePalettedPNG writes m with a palette if it is opaque, and says
// whether it did; if not, it has written nothing. A chart's colours beyond
// 256 are the rarest shades of its anti-aliased edges (a forest plot has
// about 400, most of them a handful of pixels each); each is drawn in the
// nearest of the 256 commonest, which no reader can tell apart.
func encodePalettedPNG(w *bytes.Buffer, m *image.RGBA) (bool, error) {
	b := m.Bounds()
	width := b.Dx()
	// Count the colours, a run at a time: charts are mostly long runs.
	counts := newColourTable()
	last, run := uint32(0), 0 // 0 is transparent, so no pixel counted has it
	// A pixel is read as one little-endian word, 0xAABBGGRR; opaque ones
	// are those of 0xFF000000 and above.
	for y := b.Min.Y; y < b.Max.Y; y++ {
		pix := m.Pix[m.PixOffset(b.Min.X, y):][:4*width]
		for x := 0; x < len(pix); x += 4 {
			key := binary.LittleEndian.Uint32(pix[x:])
			if key < 0xff000000 {
				return false, nil
			}
			if key != last {
				counts.add(last, run)
				last, run = key, 0
			}
			run++
		}
	}
	counts.add(last, run)
	counts.remove(0)
	// Beyond 256 colours the rarest are drawn in the nearest: only while
	// they are a few edge pixels, not a photograph or noise.
	total := width * b.Dy()
	keys := counts.colours()
	slices.SortFunc(keys, func(a, b uint32) int {
		if c := cmp.Compare(counts.count(b), counts.count(a)); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	n := min(len(keys), 256)
	rare := 0
	for _, k := range keys[n:] {
		rare += counts.count(k)
	}
	if rare*200 > total {
		return false, nil
	}
	palette := make([]byte, 0, 3*n)
	for i, k := range keys[:n] {
		counts.setIndex(k, byte(i))
		palette = append(palette, byte(k), byte(k>>8), byte(k>>16))
	}
	for _, k := range keys[n:] {
		best, bestDist := 0, 1<<62
		for i := range n {
			dr := int(k&0xff) - int(palette[3*i])
			dg := int(k>>8&0xff) - int(palette[3*i+1])
			db := int(k>>16&0xff) - int(palette[3*i+2])
			if d := dr*dr + dg*dg + db*db; d < bestDist {
				best, bestDist = i, d
			}
		}
		counts.setIndex(k, byte(best))
	}
	// image/png writes a paletted image just so: 8-bit indexes, PLTE, no
	// row filters (it skips them for palettes), deflated at the level
	// asked.
	pix, _ := palettedPix.Get().(*[]byte)
	if pix == nil {
		pix = new([]byte)
	}
	defer palettedPix.Put(pix)
	if cap(*pix) < width*b.Dy() {
		*pix = make([]byte, width*b.Dy())
	}
	pal := &image.Paletted{Pix: (*pix)[:width*b.Dy()], Stride: width, Rect: image.Rect(0, 0, width, b.Dy()),
		Palette: make(color.Palette, n)}
	for i, k := range keys[:n] {
		pal.Palette[i] = color.RGBA{byte(k), byte(k >> 8), byte(k >> 16), 255}
	}
	last = 0
	var lastIndex byte
	j := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		pix := m.Pix[m.PixOffset(b.Min.X, y):][:4*width]
		for x := 0; x < len(pix); x += 4 {
			key := binary.LittleEndian.Uint32(pix[x:])
			if key != last {
				last, lastIndex = key, counts.index(key)
			}
			pal.Pix[j] = lastIndex
			j++
		}
	}
	return true, (&png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: pngBuffers}).Encode(w, pal)
}

// Each chart drawn needed a deflater of about 1.2 MB and a byte a pixel
// for its palette indexes, a few hundred MB at a million assessments that
// the collector then had to find: these pools keep them from one chart to
// the next (each pixel index is written before it is read). A deflater
// reset writes what a new one would.
var (
	pngBuffers  = &pngBufferPool{}
	zlibWriters sync.Pool // *zlib.Writer at BestSpeed
	palettedPix sync.Pool // *[]byte
)

// pngBufferPool is a png.EncoderBufferPool on a sync.Pool.
type pngBufferPool struct{ p sync.Pool }

func (p *pngBufferPool) Get() *png.EncoderBuffer {
	b, _ := p.p.Get().(*png.EncoderBuffer)
	return b
}

func (p *pngBufferPool) Put(b *png.EncoderBuffer) { p.p.Put(b) }

// pngWriter writes PNG chunks, keeping the first error.
type pngWriter struct {
	w   io.Writer
	err error
}

func (pw *pngWriter) write(b []byte) {
	if pw.err == nil {
		_, pw.err = pw.w.Write(b)
	}
}

// chunk writes one chunk: length, type, data and the CRC of type and data.
func (pw *pngWriter) chunk(typ string, data []byte) {
	var head [8]byte
	binary.BigEndian.PutUint32(head[:4], uint32(len(data)))
	copy(head[4:], typ)
	crc := crc32.NewIEEE()
	crc.Write(head[4:])
	crc.Write(data)
	pw.write(head[:])
	pw.write(data)
	pw.write(binary.BigEndian.AppendUint32(nil, crc.Sum32()))
}

// idatWriter writes what it is given as one IDAT chunk.
type idatWriter struct{ pw *pngWriter }

func (i idatWriter) Write(b []byte) (int, error) {
	i.pw.chunk("IDAT", b)
	return len(b), i.pw.err
}

// colourTable counts a chart's colours and then holds each one's palette
// index: an open-addressed hash table of pixel words, which a chart of a
// few hundred colours fills a little, in place of two Go maps, which
// took a third of the time of counting.
type colourTable struct {
	keys   []uint32 // 0 marks an empty slot; the pixel word 0 (transparent) is kept apart
	counts []int
	idx    []byte
	zero   int // the count of 0, while kept
	n      int
}

func newColourTable() *colourTable {
	return &colourTable{keys: make([]uint32, 1024), counts: make([]int, 1024), idx: make([]byte, 1024)}
}

// slot returns where k is, or where it would go.
func (t *colourTable) slot(k uint32) int {
	mask := len(t.keys) - 1
	i := int((k*0x9e3779b1)>>16) & mask
	for t.keys[i] != k && t.keys[i] != 0 {
		i = (i + 1) & mask
	}
	return i
}

func (t *colourTable) add(k uint32, n int) {
	if k == 0 {
		t.zero += n
		return
	}
	i := t.slot(k)
	if t.keys[i] == 0 {
		if 2*(t.n+1) > len(t.keys) {
			t.grow()
			i = t.slot(k)
		}
		t.keys[i] = k
		t.n++
	}
	t.counts[i] += n
}

func (t *colourTable) grow() {
	old, oldCounts := t.keys, t.counts
	t.keys, t.counts, t.idx = make([]uint32, 2*len(old)), make([]int, 2*len(old)), make([]byte, 2*len(old))
	for i, k := range old {
		if k != 0 {
			j := t.slot(k)
			t.keys[j], t.counts[j] = k, oldCounts[i]
		}
	}
}

// remove forgets the count of 0, the only colour removed.
func (t *colourTable) remove(k uint32) {
	if k == 0 {
		t.zero = 0
	}
}

func (t *colourTable) count(k uint32) int {
	if k == 0 {
		return t.zero
	}
	return t.counts[t.slot(k)]
}

// colours lists the colours counted (0 not among them once removed).
func (t *colourTable) colours() []uint32 {
	out := make([]uint32, 0, t.n+1)
	for _, k := range t.keys {
		if k != 0 {
			out = append(out, k)
		}
	}
	if t.zero > 0 {
		out = append(out, 0)
	}
	return out
}

func (t *colourTable) setIndex(k uint32, i byte) { t.idx[t.slot(k)] = i }

func (t *colourTable) index(k uint32) byte { return t.idx[t.slot(k)] }
