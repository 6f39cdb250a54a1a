package server

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
)

// openAPIJSON describes /api/v1. TestOpenAPIMatchesRoutes checks that it
// documents every API route and no other.
//
//go:embed openapi.json
var openAPIJSON []byte

// openAPIDocument checks the document parses, once, at start-up, and
// returns it compacted.
func openAPIDocument() ([]byte, error) {
	var v map[string]any
	if err := json.Unmarshal(openAPIJSON, &v); err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	return json.Marshal(v)
}

func (s *Server) openAPI(c *gin.Context) error {
	c.Data(http.StatusOK, "application/json", s.openapi)
	return nil
}
