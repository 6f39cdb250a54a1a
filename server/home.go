package server

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// healthz answers 200 when the database answers, 503 otherwise.
func (s *Server) healthz(c *gin.Context) error {
	if err := s.db.Ping(c.Request.Context()); err != nil {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "database": "unreachable"})
		return nil
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "database": string(s.db.Dialect())})
	return nil
}

// home says what ateval is and which boroughs take part; signed-in staff
// also see what the database holds. Visitors who are not signed in see no
// counts, and cost the database one small query.
func (s *Server) home(c *gin.Context) error {
	tx := s.db.View(c.Request.Context())
	boroughs, err := tx.Boroughs()
	if err != nil {
		return err
	}
	data := gin.H{"Boroughs": boroughs, "User": currentUser(c)}
	if currentUser(c) != nil {
		counts, err := tx.Counts()
		if err != nil {
			return err
		}
		data["Counts"] = counts
		data["Landing"] = landing(currentUser(c))
	}
	s.render(c, http.StatusOK, "home", pageData{Title: "Evaluating assistive technology across boroughs", Data: data})
	return nil
}
