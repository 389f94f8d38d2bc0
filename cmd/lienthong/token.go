package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"lienthong/auth"
	"lienthong/sources/adminunits"
)

// token prints one signed bearer token on stdout, for the demo and for
// tests against a running gateway.
func token(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	var (
		role, unit, citizen, id, name, secret string
		ttl                                   time.Duration
		sensitive                             bool
	)
	fs.StringVar(&role, "role", "", "role: commune-officer, province-officer, central-officer, reporting or citizen")
	fs.StringVar(&unit, "unit", "", "5-digit commune code for commune-officer, 2-digit province code for province-officer")
	fs.StringVar(&citizen, "citizen", "", "12-digit personal id, for the citizen role")
	fs.StringVar(&id, "officer", "", "officer id put in the sub claim; defaults to one derived from role and unit")
	fs.StringVar(&name, "name", "", "name put in the name claim")
	fs.BoolVar(&sensitive, "sensitive", false, "grant reading fields marked @sensitive")
	fs.DurationVar(&ttl, "ttl", 8*time.Hour, "how long the token stays valid")
	stringVar(fs, &secret, "jwt-secret", "", "HMAC secret to sign with; empty uses the public demo secret")
	if err := parseFlags(fs, args); err != nil {
		return err
	}

	p := auth.Principal{ID: id, Name: name, Role: auth.Role(role), Unit: unit, CitizenID: citizen, Sensitive: sensitive}
	if err := checkTokenFlags(&p); err != nil {
		return err
	}
	if secret == "" {
		fmt.Fprintln(os.Stderr, "lienthong: warning: signing with the public demo secret; such tokens work only on the embedded demo")
		secret = auth.DemoSecret
	}
	signed, err := auth.Mint([]byte(secret), p, time.Now(), ttl)
	if err != nil {
		return err
	}
	fmt.Println(signed)
	return nil
}

// checkTokenFlags fills the defaults of a token's principal and rejects a
// unit or citizen id that does not fit the role, or a unit code that does
// not exist.
func checkTokenFlags(p *auth.Principal) error {
	if p.Role == "" {
		return errors.New("missing -role: use one of commune-officer, province-officer, central-officer, reporting, citizen")
	}
	if p.Role == auth.Citizen && p.ID == "" {
		p.ID = p.CitizenID
	}
	if p.ID == "" {
		p.ID = string(p.Role)
		if p.Unit != "" {
			p.ID += "-" + p.Unit
		}
	}
	if p.Role == auth.CommuneOfficer && p.Unit == "" || p.Role == auth.ProvinceOfficer && p.Unit == "" {
		return fmt.Errorf("missing -unit for role %s", p.Role)
	}
	if p.Role == auth.Citizen && p.CitizenID == "" {
		return errors.New("missing -citizen for role citizen: give the citizen's 12-digit personal id")
	}
	if err := p.Validate(); err != nil {
		return err
	}
	units := adminunits.MustLoad()
	if p.Role == auth.CommuneOfficer && units.Commune(p.Unit) == nil {
		return fmt.Errorf("invalid -unit %s: no commune in force has this code", p.Unit)
	}
	if p.Role == auth.ProvinceOfficer && units.Province(p.Unit) == nil {
		return fmt.Errorf("invalid -unit %s: no province has this code", p.Unit)
	}
	return nil
}
