package main

import (
	"context"
	"encoding/json"
	"fmt"
)

func runStatus(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet(env, "status", "status --db PATH|URL [--json]")
	dsn := dbFlag(fs, env)
	asJSON := fs.Bool("json", false, "print the counts as one JSON object")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn, mustExist)
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := db.View(ctx).Counts()
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(env.Stdout).Encode(c)
	}
	fmt.Fprintf(env.Stdout, "database       %s\n", db.Dialect())
	fmt.Fprintf(env.Stdout, "boroughs       %d\nresidents      %d\ndevices        %d\ndevice issues  %d\nassessments    %d\n",
		c.Boroughs, c.Residents, c.Devices, c.DeviceIssues, c.Assessments)
	return nil
}
