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

// home says what the database holds.
func (s *Server) home(c *gin.Context) error {
	tx := s.db.View(c.Request.Context())
	counts, err := tx.Counts()
	if err != nil {
		return err
	}
	boroughs, err := tx.Boroughs()
	if err != nil {
		return err
	}
	s.render(c, http.StatusOK, "home", pageData{Title: "ateval", Data: gin.H{"Counts": counts, "Boroughs": boroughs}})
	return nil
}
