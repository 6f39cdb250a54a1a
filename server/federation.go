package server

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/federation"
	"github.com/ateval/ateval/reports"
	"github.com/ateval/ateval/storage/hub"
)

// federationRoutes registers the hub's intake of evidence bundles: a
// borough lead posts their borough's bundle (an administrator may post
// any), which storage verifies against the key the hub trusts for the
// borough before it stores anything.
func (s *Server) federationRoutes(pages, api *gin.RouterGroup) {
	pages.GET("/admin/hub", s.requireRole(ateval.RoleAdmin), s.handle(s.hubPage))
	api.POST("/federation/bundles", s.requireRole(ateval.RoleBoroughLead, ateval.RoleAdmin), s.handle(s.apiPostBundle))
}

// staleDays is how old a borough's latest bundle may be before the hub
// page flags it: a quarter, the rhythm of most boroughs' reporting.
const staleDays = 92

// sharedView is a row of the hub page: a bundle, with its borough's name.
type sharedView struct {
	hub.SharedBundle
	Name  string
	Stale bool
}

// keyView is a trusted key on the hub page, with its borough's name.
type keyView struct {
	hub.TrustedKey
	Name string
}

// hubPage lists each borough's latest bundle, flagging stale ones, and
// the keys the hub trusts for each borough: since when, and which are
// retired.
func (s *Server) hubPage(c *gin.Context) error {
	bs, err := hub.Of(s.db).LatestBundles(c.Request.Context())
	if err != nil {
		return err
	}
	now := s.db.Now()
	views := make([]sharedView, 0, len(bs))
	for _, b := range bs {
		views = append(views, sharedView{SharedBundle: b, Name: reports.BoroughName(b.Borough), Stale: now.Sub(b.Made) > staleDays*24*time.Hour})
	}
	keys, err := hub.Of(s.db).TrustedKeys(c.Request.Context())
	if err != nil {
		return err
	}
	kv := make([]keyView, 0, len(keys))
	for _, k := range keys {
		kv = append(kv, keyView{TrustedKey: k, Name: reports.BoroughName(k.Borough)})
	}
	s.render(c, http.StatusOK, "hub", pageData{Title: "Shared evidence", Data: gin.H{"Bundles": views, "StaleDays": staleDays, "Keys": kv}})
	return nil
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
	id, err := hub.Of(s.db).ImportBundle(c.Request.Context(), b)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, bundleReceipt{ID: id, Borough: b.Borough, Sequence: b.Sequence})
	return nil
}
