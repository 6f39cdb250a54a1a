package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/devices"
)

// cataloguePage shows the shared device catalogue by category, with how
// many issues each borough has made of each product (through the disclosure gate but for
// the user's own borough), and, for an administrator, the form to add a
// category.
func (s *Server) cataloguePage(c *gin.Context) error {
	return s.renderCatalogue(c, http.StatusOK, newForm())
}

func (s *Server) renderCatalogue(c *gin.Context, status int, f *form) error {
	entries, err := s.db.Catalogue(c.Request.Context())
	if err != nil {
		return err
	}
	cats, err := s.db.View(c.Request.Context()).Categories()
	if err != nil {
		return err
	}
	u := currentUser(c)
	title := "Device catalogue"
	if len(f.Errors) > 0 {
		title = "Error: " + title
	}
	s.render(c, status, "catalogue", pageData{Title: title, Data: gin.H{
		"Entries": entries, "Categories": cats, "Notice": notice(c), "Form": f,
		"Admin": u != nil && u.Role == ateval.RoleAdmin,
		"ID":    textInput{Name: "id", Label: "Category id", Hint: "Lower-case words joined by hyphens, such as hearing-loop. It never changes.", Width: "app-input--width-20", Form: f},
		"Name":  textInput{Name: "name", Label: "Name", Form: f},
		"ISO":   textInput{Name: "iso9999", Label: "ISO 9999 class (optional)", Hint: "Only if checked against the standard, such as 22 27 12", Width: "app-input--width-10", Form: f},
	}})
	return nil
}

// createCategoryForm adds a category to the taxonomy (administrators).
func (s *Server) createCategoryForm(c *gin.Context) error {
	f := newForm()
	cat := devices.Category{ID: f.text(c, "id"), Name: f.text(c, "name"), ISO9999: f.text(c, "iso9999")}
	err := s.db.CreateCategory(c.Request.Context(), &cat)
	if ateval.ErrorCode(err) == ateval.EINVALID {
		f.fail(err, map[string]string{"id": "Category id", "name": "Name", "iso9999": "ISO 9999 class"})
		return s.renderCatalogue(c, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/devices?notice=category-added")
	return nil
}
