package server

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval/forms"
	"github.com/ateval/ateval/storage"
)

// dueRow is one line of the due list, with the instrument's name.
type dueRow struct {
	storage.DueItem
	Name string
}

// duePage lists the borough's assessments due and overdue, most urgent
// first, each with a link to record it.
func (s *Server) duePage(c *gin.Context) error {
	fw := s.framework()
	items, err := s.db.DueList(c.Request.Context(), fw)
	if err != nil {
		return err
	}
	overdue := 0
	for _, it := range items {
		if it.Status == forms.StatusOverdue {
			overdue++
		}
	}
	pg := paginate(len(items), c.Query("page"), duePageSize)
	rows := make([]dueRow, 0, pg.To-pg.From)
	for _, it := range items[pg.From:pg.To] {
		r := dueRow{DueItem: it, Name: it.Instrument}
		if in, ok := fw.Instrument(it.Instrument); ok {
			r.Name = in.Name
		}
		rows = append(rows, r)
	}
	s.render(c, http.StatusOK, "due", pageData{Title: "Assessments due", Data: gin.H{
		"Rows": rows, "Total": len(items), "Overdue": overdue, "Page": pg}})
	return nil
}

// duePageSize is how many due items one page shows: enough for a day's
// work, few enough that a large borough's page stays quick to send and read.
const duePageSize = 100

// page is one page of a list.
type page struct {
	Number, Pages int // 1-based
	From, To      int // the slice of the list shown
	Prev, Next    int // 0 when there is none
}

// paginate picks the page asked for (1 if absent or bad, the last if past
// the end) of a list of n items.
func paginate(n int, asked string, size int) page {
	pages := max(1, (n+size-1)/size)
	num, err := strconv.Atoi(asked)
	if err != nil || num < 1 {
		num = 1
	}
	num = min(num, pages)
	p := page{Number: num, Pages: pages, From: (num - 1) * size, To: min(n, num*size)}
	if num > 1 {
		p.Prev = num - 1
	}
	if num < pages {
		p.Next = num + 1
	}
	return p
}

// apiDue answers the borough's due list.
func (s *Server) apiDue(c *gin.Context) error {
	items, err := s.db.DueList(c.Request.Context(), s.framework())
	if err != nil {
		return err
	}
	if items == nil {
		items = []storage.DueItem{}
	}
	c.JSON(http.StatusOK, gin.H{"due": items})
	return nil
}
