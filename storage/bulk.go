package storage

import (
	"strconv"
	"unicode/utf8"
)

// Bulk inserts send a whole batch as one JSON array of rows in a single
// parameter, which the database expands itself (json_each on SQLite,
// json_array_elements on PostgreSQL). Binding every value of every row
// separately costs one cgo call per value with the SQLite driver: at a
// million assessments that, not SQLite's own work, was most of an import.

// jsonFrom is the FROM clause that expands the JSON parameter into rows,
// each row's array available as j.value.
func (db *DB) jsonFrom() string {
	if db.dialect == Postgres {
		return "json_array_elements(CAST(? AS json)) AS j(value)"
	}
	return "json_each(?) AS j"
}

// jsonRows appends rows of scalars to a JSON array of arrays.
type jsonRows struct {
	b     []byte
	inRow bool
	first bool
}

func (j *jsonRows) reset() { j.b = append(j.b[:0], '['); j.inRow = false }

// row starts a new row.
func (j *jsonRows) row() {
	if j.inRow {
		j.b = append(j.b, ']', ',')
	}
	j.b = append(j.b, '[')
	j.inRow, j.first = true, true
}

func (j *jsonRows) sep() {
	if !j.first {
		j.b = append(j.b, ',')
	}
	j.first = false
}

func (j *jsonRows) int(v int64) { j.sep(); j.b = strconv.AppendInt(j.b, v, 10) }

func (j *jsonRows) float(v *float64) { j.sep(); j.b = appendJSONNumber(j.b, v) }

// appendJSONNumber appends *v, or null for nil.
func appendJSONNumber(b []byte, v *float64) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, *v, 'g', -1, 64)
}

// str appends s as a JSON string.
func (j *jsonRows) str(s string) { j.sep(); j.b = appendJSONString(j.b, s) }

// appendJSONString appends s as a JSON string, escaping what JSON requires.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
			i++
		case c < 0x20:
			b = append(b, `\u00`...)
			b = append(b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&0xf])
			i++
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
		}
	}
	return append(b, '"')
}

// String closes the array and returns it.
func (j *jsonRows) String() string {
	if j.inRow {
		j.b = append(j.b, ']')
		j.inRow = false
	}
	j.b = append(j.b, ']')
	return string(j.b)
}
