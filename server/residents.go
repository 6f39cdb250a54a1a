package server

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
	"github.com/ateval/ateval/storage"
)

// residentID parses the :id of the path. Anything but a positive integer
// is answered as a resident that does not exist.
func residentID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, ateval.Errorf(ateval.ENOTFOUND, "There is no resident with this id in your borough.")
	}
	return id, nil
}

// pathResident reads the record of the resident the path names, as the
// acting user may see it (and audited, by storage).
func (s *Server) pathResident(c *gin.Context) (storage.ResidentRecord, error) {
	id, err := residentID(c)
	if err != nil {
		return storage.ResidentRecord{}, err
	}
	return s.db.ResidentRecord(c.Request.Context(), id)
}

func residentQuery(c *gin.Context) storage.ResidentQuery {
	limit, _ := strconv.Atoi(c.Query("limit"))
	offset, _ := strconv.Atoi(c.Query("offset"))
	return storage.ResidentQuery{Reference: c.Query("reference"), Name: c.Query("name"), Limit: limit, Offset: offset}
}

type residentList struct {
	Residents []devices.Resident `json:"residents"`
	Total     int64              `json:"total"`
	Limit     int                `json:"limit"`
	Offset    int                `json:"offset"`
}

func (s *Server) listResidents(c *gin.Context) (residentList, error) {
	q := residentQuery(c)
	rs, total, err := s.db.Residents(c.Request.Context(), q)
	if err != nil {
		return residentList{}, err
	}
	if rs == nil {
		rs = []devices.Resident{}
	}
	q = q.Paged()
	return residentList{Residents: rs, Total: total, Limit: q.Limit, Offset: q.Offset}, nil
}

// apiResidents lists the residents of the caller's borough.
func (s *Server) apiResidents(c *gin.Context) error {
	l, err := s.listResidents(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, l)
	return nil
}

// apiResident answers one resident's record with their timeline:
// devices, assessments with scores, and the schedule.
func (s *Server) apiResident(c *gin.Context) error {
	id, err := residentID(c)
	if err != nil {
		return err
	}
	rec, err := s.db.ResidentTimeline(c.Request.Context(), s.framework(), id)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, rec)
	return nil
}

// residentsPage lists the borough's residents with their names, with a
// search by reference (anywhere in it) or name.
func (s *Server) residentsPage(c *gin.Context) error {
	q := residentQuery(c)
	rs, total, err := s.db.ResidentsNamed(c.Request.Context(), q)
	if err != nil {
		return err
	}
	q = q.Paged()
	l := struct {
		Residents     []storage.ListedResident
		Total         int64
		Limit, Offset int
	}{rs, total, q.Limit, q.Offset}
	data := gin.H{"List": l, "Reference": c.Query("reference"), "Name": c.Query("name")}
	if next := l.Offset + l.Limit; int64(next) < l.Total {
		data["Next"] = "/residents?reference=" + urlQuery(c.Query("reference")) + "&name=" + urlQuery(c.Query("name")) + "&offset=" + strconv.Itoa(next)
	}
	s.render(c, http.StatusOK, "residents", pageData{Title: "Residents", Data: data})
	return nil
}

// residentPage shows one resident's timeline (timeline.go).
func (s *Server) residentPage(c *gin.Context) error { return s.timelinePage(c) }
