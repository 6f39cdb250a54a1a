package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/federation"
)

// federationRoutes registers the hub's intake of evidence bundles: a
// borough lead posts their borough's bundle (an administrator may post
// any), which storage verifies against the key the hub trusts for the
// borough before it stores anything.
func (s *Server) federationRoutes(api *gin.RouterGroup) {
	api.POST("/federation/bundles", s.requireRole(ateval.RoleBoroughLead, ateval.RoleAdmin), s.handle(s.apiPostBundle))
}

// bundleReceipt is the answer to a bundle imported.
type bundleReceipt struct {
	ID       int64  `json:"id"`
	Borough  string `json:"borough"`
	Sequence int64  `json:"sequence"`
}

func (s *Server) apiPostBundle(c *gin.Context) error {
	b, err := federation.Parse(c.Request.Body)
	if err != nil {
		return err
	}
	id, err := s.db.ImportBundle(c.Request.Context(), b)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, bundleReceipt{ID: id, Borough: b.Borough, Sequence: b.Sequence})
	return nil
}
