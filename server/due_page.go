package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

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
	rows := make([]dueRow, len(items))
	overdue := 0
	for i, it := range items {
		rows[i] = dueRow{DueItem: it, Name: it.Instrument}
		if in, ok := fw.Instrument(it.Instrument); ok {
			rows[i].Name = in.Name
		}
		if it.Status == "overdue" {
			overdue++
		}
	}
	s.render(c, http.StatusOK, "due", pageData{Title: "Assessments due", Data: gin.H{"Rows": rows, "Overdue": overdue}})
	return nil
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
