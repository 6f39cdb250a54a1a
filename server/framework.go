package server

import "github.com/ateval/ateval/forms"

// framework is the evaluation framework the server records against: the
// one embedded in this build. (A borough's licensed wording, once loaded,
// would be applied here.)
func (s *Server) framework() *forms.Framework { return forms.Default() }
