package main

import (
	"context"
	"fmt"

	"github.com/ateval/ateval/federation"
)

// runKeygen writes a borough's Ed25519 key pair for signing its evidence
// bundles: KEY (private, mode 0600) and KEY.pub (for the hub).
func runKeygen(_ context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "keygen", "keygen --out KEY")
	out := fs.String("out", "", "file to write the private key to; the public key goes to FILE.pub")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(env.Stderr, "ateval keygen: --out KEY is required and no other arguments are taken")
		fs.Usage()
		return errUsage
	}
	pub, err := federation.WriteKeyPair(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s and %s.pub (key id %s): give the hub %s.pub, keep %s secret\n", *out, *out, federation.KeyID(pub), *out, *out)
	return nil
}
