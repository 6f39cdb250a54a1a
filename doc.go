// Package ateval holds what every other package of the platform shares: the
// error vocabulary, boroughs, and the user acting on a request.
//
// It imports nothing but the standard library. The domain packages
// (devices, forms, evaluation, reports) build on it; storage and server
// translate to and from it.
package ateval
